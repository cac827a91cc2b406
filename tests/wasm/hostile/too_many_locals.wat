;; A function declaring 2^28-1 locals (2 GiB of frame): refused when the module
;; loads, before anything is allocated for it. Written as bytes: the text
;; format would need one word per local.
;; expect: exit 1, stderr "too many locals"
(module binary
  "\00asm" "\01\00\00\00"
  "\01\04\01" "\60\00\00"                          ;; types: () -> ()
  "\03\02\01\00"                                   ;; funcs: _start
  "\07\0a\01\06_start\00\00"                       ;; export _start = func 0
  "\0a\09\01"                                      ;; code, 1 body
  "\07\01\ff\ff\ff\7f\7e"                          ;; 268435455 x i64
  "\0b")
