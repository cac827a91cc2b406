/* SPDX-License-Identifier: MIT */
/* Multicodec-prefixed payloads: split, check, build. The host never
 * transcodes: it only checks that a body decodes in the codec it claims. */
#include <string.h>

#include <cbor.h>
#include <cjson/cJSON.h>

#include "wactor/component.h"
#include "component/cbor_guard.h"

static const struct {
    wc_codec code;
    const char *name;
} codecs[] = {
    {WC_CODEC_RAW, "raw"},
    {WC_CODEC_JSON, "json"},
    {WC_CODEC_CBOR, "cbor"},
    {WC_CODEC_BORSH, "borsh"},
};

const char *wc_codec_name(uint64_t code) {
    for (size_t i = 0; i < WB_ARRAY_LEN(codecs); i++)
        if (codecs[i].code == code) return codecs[i].name;
    return "unknown";
}

wb_status wc_codec_parse(const char *name, wc_codec *out) {
    for (size_t i = 0; i < WB_ARRAY_LEN(codecs); i++) {
        if (strcmp(codecs[i].name, name) == 0) {
            *out = codecs[i].code;
            return WB_OK;
        }
    }
    return WB_NOT_FOUND;
}

wb_status wc_payload_split(const uint8_t *p, size_t len, wc_codec *codec, size_t *body_off,
                           wb_error *err) {
    uint64_t code = 0;
    size_t n = wb_varint_decode(p, len, &code);
    if (n == 0)
        return wb_error_set(err, WB_DECODE, "payload has no valid multicodec prefix (%zu bytes)",
                            len);
    if (code != WC_CODEC_RAW && code != WC_CODEC_JSON && code != WC_CODEC_CBOR &&
        code != WC_CODEC_BORSH)
        return wb_error_set(err, WB_UNSUPPORTED, "unknown codec 0x%llx",
                            (unsigned long long)code);
    *codec = (wc_codec)code;
    *body_off = n;
    return WB_OK;
}

static wb_status check_json(const uint8_t *b, size_t len, wb_error *err) {
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts((const char *)b, len, &end, false);
    if (!j) return wb_error_set(err, WB_DECODE, "JSON body does not parse");
    cJSON_Delete(j);
    /* Only whitespace may follow the value. */
    for (const char *c = end; c < (const char *)b + len; c++)
        if (*c != ' ' && *c != '\n' && *c != '\r' && *c != '\t')
            return wb_error_set(err, WB_DECODE, "JSON body has trailing bytes");
    return WB_OK;
}

static wb_status check_cbor(const uint8_t *b, size_t len, wb_error *err) {
    struct cbor_load_result res;
    cbor_item_t *item = wc__cbor_load(b, len, &res);
    if (!item) return wb_error_set(err, WB_DECODE, "CBOR body does not decode (error %d)",
                                   (int)res.error.code);
    cbor_decref(&item);
    if (res.read != len)
        return wb_error_set(err, WB_DECODE, "CBOR body has %zu trailing bytes", len - res.read);
    return WB_OK;
}

wb_status wc_payload_check(const uint8_t *p, size_t len, wb_error *err) {
    wc_codec codec = WC_CODEC_RAW;
    size_t off = 0;
    wb_status st = wc_payload_split(p, len, &codec, &off, err);
    if (st != WB_OK) return st;
    switch (codec) {
    case WC_CODEC_JSON: return check_json(p + off, len - off, err);
    case WC_CODEC_CBOR: return check_cbor(p + off, len - off, err);
    case WC_CODEC_RAW:
    case WC_CODEC_BORSH: return WB_OK; /* opaque to the host */
    }
    return wb_error_set(err, WB_UNSUPPORTED, "unknown codec");
}

wb_buf *wc_payload_new(wc_codec codec, const void *body, size_t len) {
    uint8_t pre[WB_VARINT_MAX];
    size_t n = wb_varint_encode((uint64_t)codec, pre);
    wb_buf *b = wb_buf_new(n + len);
    if (!b) return NULL;
    memcpy(b->data, pre, n);
    if (len) memcpy(b->data + n, body, len);
    return b;
}
