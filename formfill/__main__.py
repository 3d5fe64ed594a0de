from formfill.cli.main import main

main()
