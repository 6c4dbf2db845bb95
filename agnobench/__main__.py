from agnobench.cli import main

main()
