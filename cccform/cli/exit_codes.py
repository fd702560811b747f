"""The exit codes (design.md §3). Never reuse a code."""

OK = 0
ERROR = 1
CHANGES_PRESENT = 2
PLAN_REJECTED = 3
CONFIG_INVALID = 4
APPLY_PARTIAL = 5
STATE_LOCKED = 6
PLAN_STALE = 7
NOT_FORMATTED = 8  # fmt --check: a file is not in the canonical layout
USAGE = 64
HUNG_UP = 129  # SIGHUP: 128 + 1
INTERRUPTED = 130  # SIGINT (Ctrl-C): 128 + 2
TERMINATED = 143  # SIGTERM: 128 + 15
