from aidesk.cli import main

main()
