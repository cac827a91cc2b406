;; Imports link_a's exports: calls into it and shares its memory and global.
(module
  (import "a" "mem" (memory 1))
  (import "a" "g" (global $g (mut i32)))
  (import "a" "tab" (table 2 funcref))
  (import "a" "get" (func $get (param i32) (result i32)))
  (import "a" "bump" (func $bump))
  (import "a" "grow" (func $grow (param i32) (result i32)))
  (type $i_i (func (param i32) (result i32)))
  ;; writes through the shared memory, reads it back through a's function
  (func (export "roundtrip") (param i32 i32) (result i32)
    (i32.store (local.get 0) (local.get 1))
    (call $get (local.get 0)))
  (func (export "bump_and_read") (result i32) (call $bump) (global.get $g))
  (func (export "indirect") (param i32) (result i32)
    (call_indirect (type $i_i) (local.get 0) (i32.const 0)))
  ;; a grows the shared memory; b must see the new size right after the call
  (func (export "grow_then_store") (result i32)
    (drop (call $grow (i32.const 1)))
    (i32.store (i32.const 65536) (i32.const 7))
    (i32.load (i32.const 65536)))
)
