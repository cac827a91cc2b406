;; Imports link_a's memory with a larger minimum than it has: unlinkable.
(module (import "a" "mem" (memory 2)))
