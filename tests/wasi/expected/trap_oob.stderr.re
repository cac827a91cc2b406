^wasm trap: out of bounds memory access
^  in function [0-9]+ <trap_oob> at offset 0x[0-9a-f]+$
