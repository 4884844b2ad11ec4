#!/usr/bin/env python
from clarion.cli import main

if __name__ == "__main__":
    main()
