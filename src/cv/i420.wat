;; I420 (8-bit 4:2:0, limited range) to packed RGB24, in WebAssembly SIMD.
;; The source of src/cv/i420-wasm.ts: `bun scripts/build-wasm.ts` compiles it
;; (wabt) and writes the bytes there; src/cv/i420-wasm.test.ts checks they match.
;;
;; i420_rgb24(y, u, v, dst, w, h, cy, crv, cgu, cgv, cbu): addresses of the
;; three planes and of the output in this module's memory, the size (w and h
;; even), and the matrix as Q15 coefficients scaled by 1/16 (src/cv/yuv.ts).
;; Per pixel, in eighths of a level: Y' = q15(Y - 16 << 7, cy), then each
;; channel is Y' + q15(C - 128 << 7, c) for its chroma terms, + 4, >> 3,
;; clamped to 0..255. The chroma sample of a 2x2 block serves all four
;; pixels. 16 pixels a step: only the first (w / 16) * 16 columns of each row
;; are written; yuv.ts converts the rest with the same arithmetic.
(module
  (memory (export "memory") 1)
  (func (export "i420_rgb24")
    (param $y i32) (param $u i32) (param $v i32) (param $dst i32) (param $w i32) (param $h i32)
    (param $cy i32) (param $crv i32) (param $cgu i32) (param $cgv i32) (param $cbu i32)
    (local $row i32) (local $bx i32) (local $blocks i32) (local $yp i32) (local $up i32) (local $vp i32) (local $dp i32)
    (local $k16 v128) (local $k128 v128) (local $k4 v128)
    (local $vcy v128) (local $vcrv v128) (local $vcgu v128) (local $vcgv v128) (local $vcbu v128)
    (local $yy v128) (local $ylo v128) (local $yhi v128) (local $uu v128) (local $vv v128)
    (local $rt v128) (local $gt v128) (local $bt v128)
    (local $r v128) (local $g v128) (local $b v128) (local $rglo v128) (local $rghi v128) (local $m v128)
    (local.set $k16 (i16x8.splat (i32.const 16)))
    (local.set $k128 (i16x8.splat (i32.const 128)))
    (local.set $k4 (i16x8.splat (i32.const 4)))
    (local.set $vcy (i16x8.splat (local.get $cy)))
    (local.set $vcrv (i16x8.splat (local.get $crv)))
    (local.set $vcgu (i16x8.splat (local.get $cgu)))
    (local.set $vcgv (i16x8.splat (local.get $cgv)))
    (local.set $vcbu (i16x8.splat (local.get $cbu)))
    (local.set $blocks (i32.shr_u (local.get $w) (i32.const 4)))
    (if (i32.eqz (local.get $blocks)) (then (return)))
    (local.set $row (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $row) (local.get $h)))
        (local.set $yp (i32.add (local.get $y) (i32.mul (local.get $row) (local.get $w))))
        (local.set $up (i32.add (local.get $u) (i32.mul (i32.shr_u (local.get $row) (i32.const 1)) (i32.shr_u (local.get $w) (i32.const 1)))))
        (local.set $vp (i32.add (local.get $v) (i32.mul (i32.shr_u (local.get $row) (i32.const 1)) (i32.shr_u (local.get $w) (i32.const 1)))))
        (local.set $dp (i32.add (local.get $dst) (i32.mul (local.get $row) (i32.mul (local.get $w) (i32.const 3)))))
        (local.set $bx (local.get $blocks))
        (loop $cols
          ;; luma: (Y - 16) << 7, scaled to eighths of a level
          (local.set $yy (v128.load (local.get $yp)))
          (local.set $ylo (i16x8.q15mulr_sat_s (i16x8.shl (i16x8.sub (i16x8.extend_low_i8x16_u (local.get $yy)) (local.get $k16)) (i32.const 7)) (local.get $vcy)))
          (local.set $yhi (i16x8.q15mulr_sat_s (i16x8.shl (i16x8.sub (i16x8.extend_high_i8x16_u (local.get $yy)) (local.get $k16)) (i32.const 7)) (local.get $vcy)))
          ;; chroma: (C - 128) << 7, one sample for two columns
          (local.set $uu (i16x8.shl (i16x8.sub (v128.load8x8_u (local.get $up)) (local.get $k128)) (i32.const 7)))
          (local.set $vv (i16x8.shl (i16x8.sub (v128.load8x8_u (local.get $vp)) (local.get $k128)) (i32.const 7)))
          (local.set $rt (i16x8.q15mulr_sat_s (local.get $vv) (local.get $vcrv)))
          (local.set $gt (i16x8.add_sat_s (i16x8.q15mulr_sat_s (local.get $uu) (local.get $vcgu)) (i16x8.q15mulr_sat_s (local.get $vv) (local.get $vcgv))))
          (local.set $bt (i16x8.q15mulr_sat_s (local.get $uu) (local.get $vcbu)))
          ;; each channel: luma + its chroma term (lanes doubled), rounded from eighths, clamped to 0..255
          (local.set $r (i8x16.narrow_i16x8_u
            (i16x8.shr_s (i16x8.add_sat_s (i16x8.add_sat_s (local.get $ylo) (i8x16.shuffle 0 1 0 1 2 3 2 3 4 5 4 5 6 7 6 7 (local.get $rt) (local.get $rt))) (local.get $k4)) (i32.const 3))
            (i16x8.shr_s (i16x8.add_sat_s (i16x8.add_sat_s (local.get $yhi) (i8x16.shuffle 8 9 8 9 10 11 10 11 12 13 12 13 14 15 14 15 (local.get $rt) (local.get $rt))) (local.get $k4)) (i32.const 3))))
          (local.set $g (i8x16.narrow_i16x8_u
            (i16x8.shr_s (i16x8.add_sat_s (i16x8.add_sat_s (local.get $ylo) (i8x16.shuffle 0 1 0 1 2 3 2 3 4 5 4 5 6 7 6 7 (local.get $gt) (local.get $gt))) (local.get $k4)) (i32.const 3))
            (i16x8.shr_s (i16x8.add_sat_s (i16x8.add_sat_s (local.get $yhi) (i8x16.shuffle 8 9 8 9 10 11 10 11 12 13 12 13 14 15 14 15 (local.get $gt) (local.get $gt))) (local.get $k4)) (i32.const 3))))
          (local.set $b (i8x16.narrow_i16x8_u
            (i16x8.shr_s (i16x8.add_sat_s (i16x8.add_sat_s (local.get $ylo) (i8x16.shuffle 0 1 0 1 2 3 2 3 4 5 4 5 6 7 6 7 (local.get $bt) (local.get $bt))) (local.get $k4)) (i32.const 3))
            (i16x8.shr_s (i16x8.add_sat_s (i16x8.add_sat_s (local.get $yhi) (i8x16.shuffle 8 9 8 9 10 11 10 11 12 13 12 13 14 15 14 15 (local.get $bt) (local.get $bt))) (local.get $k4)) (i32.const 3))))
          ;; interleave to RGBRGB...: 48 bytes
          (local.set $rglo (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get $r) (local.get $g)))
          (local.set $rghi (i8x16.shuffle 8 24 9 25 10 26 11 27 12 28 13 29 14 30 15 31 (local.get $r) (local.get $g)))
          (v128.store (local.get $dp) (i8x16.shuffle 0 1 16 2 3 17 4 5 18 6 7 19 8 9 20 10 (local.get $rglo) (local.get $b)))
          (local.set $m (i8x16.shuffle 11 12 13 14 15 16 17 18 19 20 21 0 0 0 0 0 (local.get $rglo) (local.get $rghi)))
          (v128.store offset=16 (local.get $dp) (i8x16.shuffle 0 21 1 2 22 3 4 23 5 6 24 7 8 25 9 10 (local.get $m) (local.get $b)))
          (v128.store offset=32 (local.get $dp) (i8x16.shuffle 26 6 7 27 8 9 28 10 11 29 12 13 30 14 15 31 (local.get $rghi) (local.get $b)))
          (local.set $yp (i32.add (local.get $yp) (i32.const 16)))
          (local.set $up (i32.add (local.get $up) (i32.const 8)))
          (local.set $vp (i32.add (local.get $vp) (i32.const 8)))
          (local.set $dp (i32.add (local.get $dp) (i32.const 48)))
          (local.set $bx (i32.sub (local.get $bx) (i32.const 1)))
          (br_if $cols (local.get $bx)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows)))))
