/* SPDX-License-Identifier: MIT */
/* Compression round trip: LZ77 with a hash chain, then canonical Huffman
 * coding of the token stream, decoded again and compared with the input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 2463534242u;
static uint32_t next(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

/* ---- bit io ---- */
typedef struct { uint8_t *p; size_t len, cap; uint32_t acc; int nbits; } bw;
static void bw_put(bw *w, uint32_t v, int n) {
    for (int i = n - 1; i >= 0; i--) {
        w->acc = (w->acc << 1) | ((v >> i) & 1);
        if (++w->nbits == 8) {
            if (w->len == w->cap) { w->cap = w->cap ? w->cap * 2 : 1024; w->p = realloc(w->p, w->cap); }
            w->p[w->len++] = (uint8_t)w->acc;
            w->acc = 0; w->nbits = 0;
        }
    }
}
static void bw_flush(bw *w) { while (w->nbits) bw_put(w, 0, 1); }
typedef struct { const uint8_t *p; size_t len, pos; int bit; } br;
static int br_get(br *r) {
    if (r->pos >= r->len) return 0;
    int b = (r->p[r->pos] >> (7 - r->bit)) & 1;
    if (++r->bit == 8) { r->bit = 0; r->pos++; }
    return b;
}
static uint32_t br_bits(br *r, int n) { uint32_t v = 0; while (n--) v = (v << 1) | (uint32_t)br_get(r); return v; }

/* ---- huffman over 512 symbols: 0-255 literals, 256 end, 257+ length codes ---- */
#define NSYM 320
typedef struct { uint32_t freq; int sym; int left, right; } node;
static int cmp_node(const void *a, const void *b) {
    const node *x = a, *y = b;
    if (x->freq != y->freq) return x->freq < y->freq ? -1 : 1;
    return x->sym - y->sym;
}
static void depths(node *n, int i, int d, uint8_t *len) {
    if (n[i].left < 0) { len[n[i].sym] = (uint8_t)(d ? d : 1); return; }
    depths(n, n[i].left, d + 1, len);
    depths(n, n[i].right, d + 1, len);
}
static void build_lengths(const uint32_t *freq, uint8_t *len) {
    node n[2 * NSYM];
    int cnt = 0;
    memset(len, 0, NSYM);
    for (int s = 0; s < NSYM; s++) if (freq[s]) { n[cnt].freq = freq[s]; n[cnt].sym = s; n[cnt].left = n[cnt].right = -1; cnt++; }
    if (!cnt) return;
    /* simple O(n^2) merge: keep active list sorted */
    int act[NSYM * 2], na = cnt, total = cnt;
    qsort(n, (size_t)cnt, sizeof *n, cmp_node);
    for (int i = 0; i < cnt; i++) act[i] = i;
    while (na > 1) {
        int a = act[0], b = act[1];
        n[total].freq = n[a].freq + n[b].freq; n[total].sym = 1000 + total;
        n[total].left = a; n[total].right = b;
        memmove(act, act + 2, (size_t)(na - 2) * sizeof *act);
        na -= 2;
        int k = na;
        while (k > 0 && n[act[k - 1]].freq > n[total].freq) { act[k] = act[k - 1]; k--; }
        act[k] = total; na++; total++;
    }
    depths(n, act[0], 0, len);
}
static void canon_codes(const uint8_t *len, uint32_t *codes) {
    uint32_t count[33] = {0}, next_code[33];
    for (int s = 0; s < NSYM; s++) count[len[s]]++;
    count[0] = 0;
    uint32_t c = 0;
    for (int b = 1; b <= 32; b++) { c = (c + count[b - 1]) << 1; next_code[b] = c; }
    for (int s = 0; s < NSYM; s++) if (len[s]) codes[s] = next_code[len[s]]++;
}

/* ---- LZ77 ---- */
#define WIN 4096
#define MINM 3
#define MAXM 60
typedef struct { uint16_t sym; uint16_t dist; } tok;

static size_t lz_parse(const uint8_t *in, size_t n, tok *out) {
    static int32_t head[1 << 13];
    int32_t *prev = malloc(n * sizeof *prev);
    for (int i = 0; i < (1 << 13); i++) head[i] = -1;
    size_t nt = 0, i = 0;
    while (i < n) {
        int best = 0, bestd = 0;
        if (i + MINM <= n) {
            uint32_t h = ((uint32_t)in[i] * 2654435761u ^ (uint32_t)in[i + 1] * 40503u ^ in[i + 2]) & 8191;
            int chain = 32;
            for (int32_t j = head[h]; j >= 0 && i - (size_t)j < WIN && chain--; j = prev[j]) {
                int m = 0;
                while (m < MAXM && i + (size_t)m < n && in[j + m] == in[i + (size_t)m]) m++;
                if (m > best) { best = m; bestd = (int)(i - (size_t)j); }
            }
            prev[i] = head[h]; head[h] = (int32_t)i;
        }
        if (best >= MINM) {
            out[nt].sym = (uint16_t)(257 + best - MINM); out[nt].dist = (uint16_t)bestd; nt++;
            for (int k = 1; k < best; k++) {
                size_t p = i + (size_t)k;
                if (p + MINM <= n) {
                    uint32_t h = ((uint32_t)in[p] * 2654435761u ^ (uint32_t)in[p + 1] * 40503u ^ in[p + 2]) & 8191;
                    prev[p] = head[h]; head[h] = (int32_t)p;
                }
            }
            i += (size_t)best;
        } else {
            out[nt].sym = in[i++]; out[nt].dist = 0; nt++;
        }
    }
    out[nt].sym = 256; out[nt].dist = 0; nt++;
    free(prev);
    return nt;
}

static uint32_t crc32(const uint8_t *p, size_t n) {
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

static int roundtrip(const char *name, const uint8_t *in, size_t n) {
    tok *t = malloc((n + 1) * sizeof *t);
    size_t nt = lz_parse(in, n, t);
    uint32_t freq[NSYM] = {0};
    for (size_t i = 0; i < nt; i++) freq[t[i].sym]++;
    uint8_t len[NSYM];
    uint32_t codes[NSYM];
    build_lengths(freq, len);
    canon_codes(len, codes);
    bw w = {0};
    for (int s = 0; s < NSYM; s++) bw_put(&w, len[s], 5);
    for (size_t i = 0; i < nt; i++) {
        bw_put(&w, codes[t[i].sym], len[t[i].sym]);
        if (t[i].sym > 256) bw_put(&w, t[i].dist, 12);
    }
    bw_flush(&w);
    /* decode: canonical table walk */
    br r = {w.p, w.len, 0, 0};
    uint8_t dlen[NSYM];
    for (int s = 0; s < NSYM; s++) dlen[s] = (uint8_t)br_bits(&r, 5);
    /* canonical decoding (as inflate does): per length, the first code and
     * where its symbols start in the symbol list sorted by (length, symbol) */
    uint16_t cnt[33] = {0}, symlist[NSYM], start[33];
    for (int s = 0; s < NSYM; s++) cnt[dlen[s]]++;
    cnt[0] = 0;
    start[1] = 0;
    for (int b = 1; b < 32; b++) start[b + 1] = (uint16_t)(start[b] + cnt[b]);
    for (int s = 0; s < NSYM; s++) if (dlen[s]) symlist[start[dlen[s]]++] = (uint16_t)s;
    uint8_t *out = malloc(n + MAXM);
    size_t on = 0;
    int ok = 1;
    for (;;) {
        uint32_t code = 0, first = 0, index = 0;
        int sym = -1;
        for (int l = 1; sym < 0 && l < 32; l++) {
            code |= (uint32_t)br_get(&r);
            if (code - first < cnt[l]) sym = symlist[index + code - first];
            index += cnt[l];
            first = (first + cnt[l]) << 1;
            code <<= 1;
        }
        if (sym < 0) { ok = 0; break; }
        if (sym == 256) break;
        if (sym < 256) { out[on++] = (uint8_t)sym; continue; }
        uint32_t d = br_bits(&r, 12);
        int m = sym - 257 + MINM;
        if (d == 0 || d > on || on + (size_t)m > n) { ok = 0; break; }
        for (int k = 0; k < m; k++, on++) out[on] = out[on - d]; /* overlapping copy on purpose */
    }
    ok = ok && on == n && memcmp(in, out, n) == 0;
    printf("%-10s %7zu bytes -> %6zu tokens -> %6zu bytes, crc %08x, %s\n", name, n, nt, w.len,
           crc32(w.p, w.len), ok ? "round trip ok" : "MISMATCH");
    free(out); free(w.p); free(t);
    return ok;
}

int main(void) {
    size_t n = 60000;
    uint8_t *buf = malloc(n);
    int ok = 1;
    for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)next();
    ok &= roundtrip("random", buf, n);
    memset(buf, 'a', n);
    ok &= roundtrip("constant", buf, n);
    static const char *words[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ", "\n", "wasm ", "actor "};
    size_t k = 0;
    while (k < n) { const char *w = words[next() % 11]; size_t l = strlen(w); if (k + l > n) l = n - k; memcpy(buf + k, w, l); k += l; }
    ok &= roundtrip("text", buf, n);
    for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)(i % 251 ^ (i / 1000));
    ok &= roundtrip("pattern", buf, n);
    ok &= roundtrip("tiny", (const uint8_t *)"ab", 2);
    ok &= roundtrip("empty", buf, 0);
    printf("crc of text: %08x\n", crc32(buf, n));
    free(buf);
    return ok ? 0 : 1;
}
