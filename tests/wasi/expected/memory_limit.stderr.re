^wactor: .*args_env\.wasm: .+
