;; The start function traps: instantiation reports it as a trap.
;; expect: exit 134, stderr "wasm trap: unreachable"
(module
  (func $s unreachable)
  (start $s)
  (func (export "_start")))
