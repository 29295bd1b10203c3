#ifndef EBID_COPENSSL_SHIM_H
#define EBID_COPENSSL_SHIM_H

/* Only the EVP-era API is visible to Swift: deprecated low-level calls do not compile. */
#define OPENSSL_NO_DEPRECATED 1
#define OPENSSL_API_COMPAT 30000

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* Macros and stack helpers Swift cannot import; each is a one-line static inline. */

static inline void ebid_openssl_free(void *ptr) { OPENSSL_free(ptr); }

static inline long ebid_bio_get_mem_data(BIO *bio, const char **data) {
    char *p = NULL;
    long n = BIO_get_mem_data(bio, &p);
    *data = p;
    return n;
}

static inline STACK_OF(X509) *ebid_sk_x509_new(void) { return sk_X509_new_null(); }
static inline int ebid_sk_x509_push(STACK_OF(X509) *sk, X509 *x) { return sk_X509_push(sk, x); }
static inline int ebid_sk_x509_num(const STACK_OF(X509) *sk) { return sk_X509_num(sk); }
static inline X509 *ebid_sk_x509_value(const STACK_OF(X509) *sk, int i) { return sk_X509_value(sk, i); }
/* Frees the stack only; the certificates stay owned by their Swift wrappers. */
static inline void ebid_sk_x509_free(STACK_OF(X509) *sk) { sk_X509_free(sk); }

static inline int ebid_crl_revoked_count(X509_CRL *crl) {
    STACK_OF(X509_REVOKED) *sk = X509_CRL_get_REVOKED(crl);
    return sk == NULL ? 0 : sk_X509_REVOKED_num(sk);
}
static inline X509_REVOKED *ebid_crl_revoked_at(X509_CRL *crl, int i) {
    return sk_X509_REVOKED_value(X509_CRL_get_REVOKED(crl), i);
}

static inline int ebid_evp_pkey_keypair(void) { return EVP_PKEY_KEYPAIR; }
static inline int ebid_evp_pkey_public_key(void) { return EVP_PKEY_PUBLIC_KEY; }

/* OSSL_PARAM keeps a pointer to its key (and OSSL_PARAM_construct_utf8_string to its value):
   they must outlive the parameter array. A Swift String passed as const char* lives only for the
   call, so parameter names and fixed values come from here, as static C string literals. */
static inline const char *ebid_param_group_name(void) { return OSSL_PKEY_PARAM_GROUP_NAME; }
static inline const char *ebid_param_priv_key(void) { return OSSL_PKEY_PARAM_PRIV_KEY; }
static inline const char *ebid_param_pub_key(void) { return OSSL_PKEY_PARAM_PUB_KEY; }
static inline const char *ebid_param_rsa_bits(void) { return OSSL_PKEY_PARAM_RSA_BITS; }
static inline const char *ebid_param_digest(void) { return OSSL_ALG_PARAM_DIGEST; }
static inline const char *ebid_param_kdf_key(void) { return OSSL_KDF_PARAM_KEY; }
static inline const char *ebid_param_kdf_salt(void) { return OSSL_KDF_PARAM_SALT; }
static inline const char *ebid_param_kdf_info(void) { return OSSL_KDF_PARAM_INFO; }
static inline const char *ebid_name_sm3(void) { return "SM3"; }
static inline const char *ebid_name_sha256(void) { return "SHA256"; }
static inline const char *ebid_name_sm2_group(void) { return "SM2"; }
static inline const char *ebid_name_p256_group(void) { return "prime256v1"; }

/* The index-th URI (counting every non-empty fullName URI of every distribution point, in order) of a
   certificate's CRL distribution points extension (RFC 5280 4.2.1.13), or NULL when there is no
   such URI. *length receives its length (a URI may hold a NUL); free the result with OPENSSL_free. */
static inline char *ebid_x509_crl_distribution_uri(X509 *x, int index, int *length) {
    STACK_OF(DIST_POINT) *points = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL, NULL);
    char *out = NULL;
    int seen = 0;
    if (points == NULL) return NULL;
    for (int i = 0; i < sk_DIST_POINT_num(points) && out == NULL; i++) {
        DIST_POINT *point = sk_DIST_POINT_value(points, i);
        if (point->distpoint == NULL || point->distpoint->type != 0) continue;
        GENERAL_NAMES *names = point->distpoint->name.fullname;
        for (int j = 0; j < sk_GENERAL_NAME_num(names); j++) {
            GENERAL_NAME *name = sk_GENERAL_NAME_value(names, j);
            if (name->type != GEN_URI || ASN1_STRING_length(name->d.uniformResourceIdentifier) <= 0) continue;
            if (seen++ != index) continue;
            ASN1_IA5STRING *uri = name->d.uniformResourceIdentifier;
            *length = ASN1_STRING_length(uri);
            out = OPENSSL_memdup(ASN1_STRING_get0_data(uri), (size_t)*length);
            break;
        }
    }
    sk_DIST_POINT_pop_free(points, DIST_POINT_free);
    return out;
}

static inline void ebid_x509v3_set_ctx_nodb(X509V3_CTX *ctx) { X509V3_set_ctx_nodb(ctx); }

#endif
