;; SPDX-License-Identifier: MIT
;; Engine micro-benchmark module: a loop that calls a host function n times,
;; which the driver makes either return at once or suspend the call, and an
;; endless loop that the driver runs one unit of fuel at a time.
(module
  (import "bench" "wait" (func $wait (param i32) (result i32)))
  (func (export "run") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (call $wait (local.get $n))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $acc))
  (func (export "spin")
    (loop $again (br $again))))
