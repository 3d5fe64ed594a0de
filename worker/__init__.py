"""The RQ shell: job functions (jobs), Redis and enqueueing (queue), the worker entry (main) and
the queue's CLI commands (cli). The product is formfill/; nothing here decides anything."""
