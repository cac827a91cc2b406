;; Exports a memory, a global, a table and functions for link_b to import.
(module
  (memory (export "mem") 1 8)
  (global (export "g") (mut i32) (i32.const 42))
  (table (export "tab") 2 funcref)
  (func $get (export "get") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "bump") (global.set 0 (i32.add (global.get 0) (i32.const 1))))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (elem (i32.const 0) $get)
)
