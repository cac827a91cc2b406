^wasm trap: integer divide by zero
^  in function [0-9]+ <trap_div> at offset 0x[0-9a-f]+$
