from keyaccount_cli.cli import main

main()
