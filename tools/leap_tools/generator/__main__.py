from leap_tools.generator.cli import main

main()
