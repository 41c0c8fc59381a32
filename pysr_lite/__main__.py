"""``python -m pysr_lite ...`` is the ``pysr-lite`` command."""

from .cli import main

if __name__ == "__main__":
    main()
