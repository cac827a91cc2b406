;; Hostile component: its wasm start function never returns.
(module
  (memory (export "memory") 1)
  (func $forever (loop $l (br $l)))
  (start $forever)
  (func (export "handle_message") (param i64 i32 i64 i32) (result i32) (i32.const 0)))
