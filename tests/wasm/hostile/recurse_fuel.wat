;; Mutual recursion that never returns, with fuel too small to reach the depth
;; limit: fuel runs out first, deep in the call stack, and unwinds cleanly.
;; expect: exit 134, stderr "wasm trap: fuel limit exceeded"
;; options: --fuel 20000
(module
  (func $a (param i32) (call $b (i32.add (local.get 0) (i32.const 1))))
  (func $b (param i32) (call $a (i32.sub (local.get 0) (i32.const 1))))
  (func (export "_start") (call $a (i32.const 0))))
