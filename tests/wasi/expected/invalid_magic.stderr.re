^wactor: .*not_wasm\.txt: .+
