^wasm trap: unreachable
^  in function [0-9]+ <trap_unreachable> at offset 0x[0-9a-f]+$
