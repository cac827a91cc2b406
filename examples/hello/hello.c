/* SPDX-License-Identifier: MIT */
/* hello: a first wactor component (docs/COMPONENTS.md). It greets whatever
 * it is sent, answers requests with the greeting, counts the greetings and
 * says goodbye when it is stopped. */
#include "wactor.h"

static int32_t greeted;

WACTOR_EXPORT("init") int32_t init(void) {
    wactor_log_str(2, "hello: ready");
    return 0; /* non-zero would fail the start */
}

WACTOR_EXPORT("handle_message")
int32_t handle_message(int64_t sender, int32_t kind, int64_t corr, int32_t len) {
    uint8_t in[128];
    int32_t n = wactor_msg_read(in, sizeof in);
    uint32_t codec = 0;
    int32_t off = wactor_split(in, n, &codec);
    if (off == 0 || codec != WACTOR_CODEC_RAW) {
        wactor_set_reason("send me raw text", 16);
        return 1; /* a request gets an error reply; the component goes on */
    }
    greeted++;
    char text[160];
    int32_t k = 0;
    for (const char *s = "hello, "; *s; s++) text[k++] = *s;
    for (int32_t i = off; i < n && k < 140; i++) text[k++] = (char)in[i];
    text[k++] = ' ';
    text[k++] = '#';
    char digits[12];
    int32_t d = 0;
    for (int32_t v = greeted; v; v /= 10) digits[d++] = (char)('0' + v % 10);
    while (d) text[k++] = digits[--d];
    wactor_log(2, text, k);
    if (kind != WACTOR_KIND_REQUEST) return 0;
    uint8_t out[168];
    int32_t m = wactor_encode(WACTOR_CODEC_RAW, text, k, out, sizeof out);
    return wactor_reply(corr, out, m) < 0;
}

WACTOR_EXPORT("greeted") int32_t get_greeted(void) { return greeted; }

WACTOR_EXPORT("cleanup") void cleanup(void) { wactor_log_str(2, "hello: goodbye"); }
