from piel_desktop.cli import main

raise SystemExit(main())
