;; The parser's fast path for the nodes and edges arrays, in WebAssembly.
;;
;; Why not JavaScript: the same loop in JS ran at interpreter speed (~40-60 MB/s)
;; until V8 had compiled it, and was thrown back there whenever a value broke
;; its speculation (the first node id above 2^31 overflows int32 arithmetic): a
;; 20 MB snapshot spent most of its parse warming up, and a large one lost tens
;; of ms per deopt. WebAssembly is compiled before the first byte and never
;; speculates.
;;
;; `records` parses whole records in V8's own form, "v,v,...,v\n," with the
;; newline(s) (or \r) only after a record's last field, from `pos` (the first digit of a
;; record) while a record starts before `end`, and stores each field into its
;; column. It stops, without storing the record it is in, at anything else: a
;; byte out of place, a number with a leading zero, a value of 2^32 or more, a
;; type id or edge target out of range, `max` records. The JS byte loop takes over there, and reports errors.
;;
;; Memory, laid out by JS (src/snapshot/records.ts):
;;   [0, 512)        field table: field f's op at 8f, its column's address at 8f + 4
;;   [IN, IN + len]  the chunk, then a 0 byte (no digit, comma or newline) that
;;                   stops every loop at its end
;;   columns         after the chunk, `max` entries each
;; Ops: 0 skip, 1 type (u8, below typeCount), 2 u32, 3 u8,
;;      4 edge target (u32: a multiple of nodeFieldCount below nodeLimit, stored divided).
;;
;; `strings` does the same for the strings array: it finds the literals that
;; are followed by a ',', and writes where each one's content starts and ends.
(module
  (memory (export "memory") 1)
  ;; how many records the last call stored
  (global $count (export "count") (mut i32) (i32.const 0))
  ;; the largest string index a stored record names (field $nameField, in records whose type is
  ;; not in $indexTypes): the parser checks it against the string count instead of every record
  (global $maxName (export "maxName") (mut i32) (i32.const 0))
  ;; how many of the literals the last `strings` call stored had escapes
  (global $escCount (export "escCount") (mut i32) (i32.const 0))

  (func (export "records")
    (param $pos i32) (param $end i32) (param $fields i32) (param $max i32)
    (param $typeCount i32) (param $nodeFieldCount i32) (param $nodeLimit i32)
    (param $nameField i32) (param $indexTypes i32)
    (result i32) ;; the position of the ',' after the last stored record (pos - 1 if none)
    (local $j i32) (local $r i32) (local $f i32) (local $d i32) (local $start i32)
    (local $v i64) (local $u i32) (local $op i32) (local $base i32) (local $last i32)
    (local $type i32) (local $name i32)
    (local.set $j (local.get $pos))
    (local.set $last (i32.sub (local.get $pos) (i32.const 1)))
    (block $done
      (loop $record
        (br_if $done (i32.ge_u (local.get $j) (local.get $end)))
        (br_if $done (i32.ge_u (local.get $r) (local.get $max)))
        (local.set $f (i32.const 0))
        (loop $field
          ;; a number: one digit or more, at most 10
          (local.set $start (local.get $j))
          (local.set $d (i32.sub (i32.load8_u (local.get $j)) (i32.const 48)))
          (br_if $done (i32.gt_u (local.get $d) (i32.const 9)))
          (local.set $v (i64.extend_i32_u (local.get $d)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (block $number_end
            ;; a leading 0 is the whole number: "09" is no JSON number (the byte loop reports it)
            (if (i32.eqz (local.get $d))
              (then
                (br_if $done (i32.le_u (i32.sub (i32.load8_u (local.get $j)) (i32.const 48)) (i32.const 9)))
                (br $number_end)))
            (loop $digits
              (local.set $d (i32.sub (i32.load8_u (local.get $j)) (i32.const 48)))
              (br_if $number_end (i32.gt_u (local.get $d) (i32.const 9)))
              (local.set $v (i64.add (i64.mul (local.get $v) (i64.const 10)) (i64.extend_i32_u (local.get $d))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $digits)))
          (br_if $done (i32.gt_u (i32.sub (local.get $j) (local.get $start)) (i32.const 10)))
          (br_if $done (i64.gt_u (local.get $v) (i64.const 0xffffffff)))
          (local.set $u (i32.wrap_i64 (local.get $v)))
          (if (i32.eq (local.get $f) (local.get $nameField)) (then (local.set $name (local.get $u))))
          ;; newlines end a record, before its ',' (\r too: a file saved with CRLF line ends)
          (if (i32.eq (local.get $f) (i32.sub (local.get $fields) (i32.const 1)))
            (then
              (block $newlines_end
                (loop $newlines
                  (br_if $newlines_end (i32.and
                    (i32.ne (i32.load8_u (local.get $j)) (i32.const 10))
                    (i32.ne (i32.load8_u (local.get $j)) (i32.const 13))))
                  (local.set $j (i32.add (local.get $j) (i32.const 1)))
                  (br $newlines)))))
          ;; the ',' after it
          (br_if $done (i32.ne (i32.load8_u (local.get $j)) (i32.const 44)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          ;; store it
          (local.set $op (i32.load (i32.shl (local.get $f) (i32.const 3))))
          (local.set $base (i32.load offset=4 (i32.shl (local.get $f) (i32.const 3))))
          (block $stored
            (block $target
              (block $u8
                (block $u32
                  (block $type
                    (br_table $stored $type $u32 $u8 $target $stored (local.get $op)))
                  ;; type
                  (br_if $done (i32.ge_u (local.get $u) (local.get $typeCount)))
                  (local.set $type (local.get $u))
                  (i32.store8 (i32.add (local.get $base) (local.get $r)) (local.get $u))
                  (br $stored))
                ;; u32
                (i32.store (i32.add (local.get $base) (i32.shl (local.get $r) (i32.const 2))) (local.get $u))
                (br $stored))
              ;; u8
              (i32.store8 (i32.add (local.get $base) (local.get $r)) (local.get $u))
              (br $stored))
            ;; edge target
            (br_if $done (i32.ge_u (local.get $u) (local.get $nodeLimit)))
            (br_if $done (i32.ne (i32.rem_u (local.get $u) (local.get $nodeFieldCount)) (i32.const 0)))
            (i32.store (i32.add (local.get $base) (i32.shl (local.get $r) (i32.const 2)))
              (i32.div_u (local.get $u) (local.get $nodeFieldCount))))
          (local.set $f (i32.add (local.get $f) (i32.const 1)))
          (br_if $field (i32.lt_u (local.get $f) (local.get $fields))))
        ;; a whole record; its name, unless its type names by index, counts for $maxName
        (if (i32.and
              (i32.ge_s (local.get $nameField) (i32.const 0))
              (i32.or (i32.ge_u (local.get $type) (i32.const 32))
                (i32.eqz (i32.and (i32.shr_u (local.get $indexTypes) (local.get $type)) (i32.const 1)))))
          (then
            (if (i32.gt_u (local.get $name) (global.get $maxName))
              (then (global.set $maxName (local.get $name))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (local.set $last (i32.sub (local.get $j) (i32.const 1)))
        (br $record)))
    (global.set $count (local.get $r))
    (local.get $last))

;; Literals of the strings array from `pos` (after a ','; whitespace may come
  ;; first): each `"content"` followed by a ',' (whitespace between allowed)
  ;; stores content's start and end, plus `base`, as two u32s at `out`; the
  ;; ordinals (from 0, in this call) of those with a backslash go to `escOut`
  ;; (JS decodes and checks those: the escape after a backslash is only
  ;; skipped here). Stops before a literal with a control character (the 0
  ;; after the chunk is one), one not followed by a ',', anything that is no
  ;; literal, or `max` of them. Returns the position after the last stored
  ;; literal's ',' (pos if none); how many in $count, escaped ones in $escCount.
  (func (export "strings")
    (param $pos i32) (param $out i32) (param $max i32) (param $base i32) (param $escOut i32)
    (result i32)
    (local $j i32) (local $k i32) (local $c i32) (local $start i32) (local $n i32) (local $esc i32) (local $e i32)
    (local.set $j (local.get $pos))
    (block $done
      (loop $literal
        (br_if $done (i32.ge_u (local.get $n) (local.get $max)))
        (local.set $k (local.get $j))
        ;; whitespace, then the opening quote
        (block $ws_end
          (loop $ws
            (local.set $c (i32.load8_u (local.get $k)))
            (br_if $ws_end (i32.and
              (i32.ne (local.get $c) (i32.const 0x20))
              (i32.and (i32.ne (local.get $c) (i32.const 0x0a))
                (i32.and (i32.ne (local.get $c) (i32.const 0x0d)) (i32.ne (local.get $c) (i32.const 0x09))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $ws)))
        (br_if $done (i32.ne (local.get $c) (i32.const 0x22)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (local.set $start (local.get $k))
        (local.set $esc (i32.const 0))
        ;; the content, up to the closing quote
        (block $content_end
          (loop $content
            (local.set $c (i32.load8_u (local.get $k)))
            (br_if $content_end (i32.eq (local.get $c) (i32.const 0x22)))
            (br_if $done (i32.lt_u (local.get $c) (i32.const 0x20)))
            (if (i32.eq (local.get $c) (i32.const 0x5c))
              (then
                ;; a backslash: skip the byte after it, unless that is a control character (or the chunk's end)
                (br_if $done (i32.lt_u (i32.load8_u offset=1 (local.get $k)) (i32.const 0x20)))
                (local.set $esc (i32.const 1))
                (local.set $k (i32.add (local.get $k) (i32.const 2)))
                (br $content)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $content)))
        ;; whitespace, then the ','
        (local.set $c (local.get $k))
        (block $ws2_end
          (loop $ws2
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br_if $ws2 (i32.eq (i32.load8_u (local.get $c)) (i32.const 0x0a)))
            (br_if $ws2 (i32.eq (i32.load8_u (local.get $c)) (i32.const 0x20)))
            (br_if $ws2 (i32.eq (i32.load8_u (local.get $c)) (i32.const 0x0d)))
            (br_if $ws2 (i32.eq (i32.load8_u (local.get $c)) (i32.const 0x09)))))
        (br_if $done (i32.ne (i32.load8_u (local.get $c)) (i32.const 0x2c)))
        ;; a literal and its ','
        (i32.store (local.get $out) (i32.add (local.get $base) (local.get $start)))
        (i32.store offset=4 (local.get $out) (i32.add (local.get $base) (local.get $k)))
        (if (local.get $esc)
          (then
            (i32.store (local.get $escOut) (local.get $n))
            (local.set $escOut (i32.add (local.get $escOut) (i32.const 4)))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (local.set $j (i32.add (local.get $c) (i32.const 1)))
        (br $literal)))
    (global.set $count (local.get $n))
    (global.set $escCount (local.get $e))
    (local.get $j))
)
