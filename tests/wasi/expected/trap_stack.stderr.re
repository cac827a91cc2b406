^wasm trap: (call|value) stack exhausted
^  in function [0-9]+ <trap_stack> at offset 0x[0-9a-f]+$
