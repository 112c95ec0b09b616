from ludeme.cli import main

raise SystemExit(main())
