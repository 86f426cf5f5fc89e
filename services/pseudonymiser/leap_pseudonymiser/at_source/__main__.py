from leap_pseudonymiser.at_source.cli import main

main()
