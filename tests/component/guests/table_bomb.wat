;; Hostile component: twenty tables of 10M elements each (1.6 GB of host
;; memory) beside one page of linear memory. Its start must be refused.
(module
  (table 10000000 funcref) (table 10000000 funcref) (table 10000000 funcref)
  (table 10000000 funcref) (table 10000000 funcref) (table 10000000 funcref)
  (table 10000000 funcref) (table 10000000 funcref) (table 10000000 funcref)
  (table 10000000 funcref) (table 10000000 funcref) (table 10000000 funcref)
  (table 10000000 funcref) (table 10000000 funcref) (table 10000000 funcref)
  (table 10000000 funcref) (table 10000000 funcref) (table 10000000 funcref)
  (table 10000000 funcref) (table 10000000 funcref)
  (memory (export "memory") 1)
  (func (export "handle_message") (param i64 i32 i64 i32) (result i32) (i32.const 0)))
