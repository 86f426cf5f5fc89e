from leap_tools.linkage_quality.cli import main

raise SystemExit(main())
