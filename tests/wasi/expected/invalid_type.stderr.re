^wactor: .*invalid_type\.wasm: .+
