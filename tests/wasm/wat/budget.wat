;; Memory budget: many tables (each within the per-table cap, together far
;; past any sane budget), globals, a growable memory and a growable table.
(module
  (table $t0 1000000 funcref) (table $t1 1000000 funcref) (table $t2 1000000 funcref)
  (table $t3 1000000 funcref) (table $t4 1000000 funcref) (table $t5 1000000 funcref)
  (table $t6 1000000 funcref) (table $t7 1000000 funcref) (table $t8 1000000 funcref)
  (table $t9 1000000 funcref)
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "tgrow") (param i32) (result i32) (table.grow $t0 (ref.null func) (local.get 0))))
