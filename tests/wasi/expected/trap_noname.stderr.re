^wasm trap: unreachable
^  in function 0 at offset 0x[0-9a-f]+$
