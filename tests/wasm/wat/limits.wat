;; A module whose memory minimum (20 pages) exceeds a 10-page limit.
(module (memory 20))
