"""Pure business rules: no I/O, no clocks; callers pass everything in."""
