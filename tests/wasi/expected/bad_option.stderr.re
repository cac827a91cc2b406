^wactor: bad option or value: --no-such-option x
