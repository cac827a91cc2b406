^wasm trap: fuel
