"""The small core every command stands on: the package's layout and reading an edition as plain data."""
