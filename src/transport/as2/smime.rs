//! S/MIME for AS2: CMS signatures, encryption and decryption through OpenSSL.
//!
//! Everything here works on exact bytes: what is signed or encrypted is the MIME entity as it
//! travels (headers, blank line, body), and nothing is canonicalised on the way in or out —
//! AS2 moves binary EDI, and a signature made over the bytes sent must be checked over the
//! bytes received. The MIME around the CMS structures is built and split by [`super::mime`],
//! because OpenSSL's own S/MIME reader rewrites binary multipart/signed content.
//!
//! Trust is by pinning: a partner's signature is accepted only from one of the certificates in
//! its profile (two during a rollover), never from a certificate carried in the message and
//! not through a chain to some authority; the partner's certificates are usually self-signed.
//!
//! OpenSSL's safe Rust API cannot choose the digest of a signature nor read the digest a
//! signer used; [`shim`] declares the CMS functions for that, and CMS_dataInit to keep
//! CMS_verify off a path where it leaks, each use commented.

use std::fmt;

use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::stack::Stack;
use openssl::symm::Cipher;
use openssl::x509::{X509, X509Ref};

use super::options::Digest;

/// Why a CMS operation failed, in the terms an MDN reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Not a CMS structure we can read (corrupt, truncated, another kind of content).
    Malformed,
    /// The message cannot be decrypted with any of our keys.
    Decryption,
    /// The signature is not from any of the partner's pinned certificates.
    UnknownSigner,
    /// The signature does not match the signed bytes.
    Integrity,
    /// An algorithm we do not offer (a digest or cipher outside the supported list).
    Unsupported,
    /// We could not produce a signature or an encryption (our own key or the partner's
    /// certificate is unusable).
    Local,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmimeError {
    pub failure: Failure,
    pub message: String,
}

impl fmt::Display for SmimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SmimeError {}

fn error(failure: Failure, message: impl Into<String>) -> SmimeError {
    SmimeError {
        failure,
        message: message.into(),
    }
}

/// OpenSSL's error queue as one line (its reasons are what an operator can search for).
fn openssl_reason(e: &openssl::error::ErrorStack) -> String {
    let reasons: Vec<String> = e
        .errors()
        .iter()
        .map(|e| e.reason().unwrap_or("unknown reason").to_string())
        .collect();
    if reasons.is_empty() {
        // What OpenSSL leaves unsaid when none of the recipients is the certificate given.
        "OpenSSL gave no reason; most likely it is encrypted to another certificate".to_string()
    } else {
        reasons.join("; ")
    }
}

/// A private key with its certificate: ours, to sign and to decrypt.
#[derive(Clone)]
pub struct KeyPair {
    pub certificate: X509,
    pub key: PKey<Private>,
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the key.
        f.debug_struct("KeyPair")
            .field("subject", &subject(&self.certificate))
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    /// Reads a PEM holding the private key and the certificate (in either order), or the two
    /// from separate PEMs concatenated.
    pub fn from_pem(pem: &[u8]) -> Result<KeyPair, SmimeError> {
        let key = PKey::private_key_from_pem(pem).map_err(|e| {
            error(
                Failure::Local,
                format!("no private key in the PEM ({})", openssl_reason(&e)),
            )
        })?;
        let certificate = X509::from_pem(pem).map_err(|e| {
            error(
                Failure::Local,
                format!("no certificate in the PEM ({})", openssl_reason(&e)),
            )
        })?;
        if !certificate
            .public_key()
            .map(|public| public.public_eq(&key))
            .unwrap_or(false)
        {
            return Err(error(
                Failure::Local,
                format!(
                    "the private key does not belong to the certificate {}",
                    subject(&certificate)
                ),
            ));
        }
        Ok(KeyPair { certificate, key })
    }
}

/// Reads every certificate of a PEM (a partner's, or two during a rollover).
pub fn certificates_from_pem(pem: &[u8]) -> Result<Vec<X509>, SmimeError> {
    let certificates = X509::stack_from_pem(pem).map_err(|e| {
        error(
            Failure::Local,
            format!("unreadable certificate PEM ({})", openssl_reason(&e)),
        )
    })?;
    if certificates.is_empty() {
        return Err(error(Failure::Local, "no certificate in the PEM"));
    }
    Ok(certificates)
}

/// A certificate's subject as one line, for messages.
pub fn subject(certificate: &X509Ref) -> String {
    certificate
        .subject_name()
        .entries()
        .map(|entry| {
            let name = entry.object().nid().short_name().unwrap_or("?");
            let value = entry.data().to_string().unwrap_or_default();
            format!("{name}={value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The content-encryption algorithms of AS2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentCipher {
    TripleDes,
    Aes128Cbc,
    Aes192Cbc,
    Aes256Cbc,
    Aes128Gcm,
    Aes256Gcm,
}

impl ContentCipher {
    /// Reads a cipher name as profiles and products write it: `aes128-cbc`, `aes_128_cbc`,
    /// `AES-256-CBC`, `3des`, `des-ede3-cbc`, `tripledes_192_cbc`, `aes128-gcm`…
    pub fn from_name(name: &str) -> Option<ContentCipher> {
        let key = crate::partner::profile::algorithm_key(name.trim());
        Some(match key.as_str() {
            "3des" | "tripledes" | "tripledes192cbc" | "desede3cbc" | "desede3" | "3descbc" => {
                ContentCipher::TripleDes
            }
            "aes128cbc" | "aes128" => ContentCipher::Aes128Cbc,
            "aes192cbc" | "aes192" => ContentCipher::Aes192Cbc,
            "aes256cbc" | "aes256" => ContentCipher::Aes256Cbc,
            "aes128gcm" => ContentCipher::Aes128Gcm,
            "aes256gcm" => ContentCipher::Aes256Gcm,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            ContentCipher::TripleDes => "3des",
            ContentCipher::Aes128Cbc => "aes128-cbc",
            ContentCipher::Aes192Cbc => "aes192-cbc",
            ContentCipher::Aes256Cbc => "aes256-cbc",
            ContentCipher::Aes128Gcm => "aes128-gcm",
            ContentCipher::Aes256Gcm => "aes256-gcm",
        }
    }

    /// GCM ciphers make an authenticated-enveloped-data (RFC 5083), which older products
    /// cannot read: used only when a partner's profile says so.
    pub fn is_authenticated(self) -> bool {
        matches!(self, ContentCipher::Aes128Gcm | ContentCipher::Aes256Gcm)
    }

    fn openssl(self) -> Cipher {
        match self {
            ContentCipher::TripleDes => Cipher::des_ede3_cbc(),
            ContentCipher::Aes128Cbc => Cipher::aes_128_cbc(),
            ContentCipher::Aes192Cbc => Cipher::aes_192_cbc(),
            ContentCipher::Aes256Cbc => Cipher::aes_256_cbc(),
            ContentCipher::Aes128Gcm => Cipher::aes_128_gcm(),
            ContentCipher::Aes256Gcm => Cipher::aes_256_gcm(),
        }
    }
}

fn digest_nid(digest: Digest) -> Nid {
    match digest {
        Digest::Sha1 => Nid::SHA1,
        Digest::Sha224 => Nid::SHA224,
        Digest::Sha256 => Nid::SHA256,
        Digest::Sha384 => Nid::SHA384,
        Digest::Sha512 => Nid::SHA512,
    }
}

fn digest_of_nid(nid: Nid) -> Option<Digest> {
    [
        Digest::Sha1,
        Digest::Sha224,
        Digest::Sha256,
        Digest::Sha384,
        Digest::Sha512,
    ]
    .into_iter()
    .find(|&d| digest_nid(d) == nid)
}

/// The flags of every operation: the content is binary (no line-ending translation) and no
/// S/MIME capabilities attribute (AS2 does not negotiate through it).
fn binary() -> CMSOptions {
    CMSOptions::BINARY | CMSOptions::NOSMIMECAP
}

/// A detached signature (DER SignedData, our certificate included) over `content`, exactly
/// these bytes, with the digest asked for.
pub fn sign_detached(
    content: &[u8],
    signer: &KeyPair,
    digest: Digest,
) -> Result<Vec<u8>, SmimeError> {
    let flags = binary() | CMSOptions::DETACHED | CMSOptions::PARTIAL;
    let failed = |e: openssl::error::ErrorStack| {
        error(
            Failure::Local,
            format!(
                "signing with {} failed: {}",
                digest.name(),
                openssl_reason(&e)
            ),
        )
    };
    let mut cms = CmsContentInfo::sign::<Private>(None, None, None, None, flags).map_err(failed)?;
    shim::add_signer(&mut cms, signer, digest, flags).map_err(failed)?;
    shim::finish(&mut cms, content, flags).map_err(failed)?;
    cms.to_der().map_err(failed)
}

/// Who signed, and with which digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// Which of the pinned certificates made the signature.
    pub certificate: usize,
    pub digest: Digest,
}

/// Checks a detached signature over exactly `content` against the pinned certificates.
pub fn verify_detached(
    signature: &[u8],
    content: &[u8],
    pinned: &[X509],
) -> Result<Signer, SmimeError> {
    let mut cms = CmsContentInfo::from_der(signature).map_err(|e| {
        error(
            Failure::Malformed,
            format!(
                "the signature is not a readable CMS structure ({})",
                openssl_reason(&e)
            ),
        )
    })?;
    verify(&mut cms, Some(content), pinned).map(|(signer, _)| signer)
}

/// Checks a signed-data that carries its content (application/pkcs7-mime; smime-type=
/// signed-data, which some products send instead of multipart/signed) and gives the content.
pub fn verify_enclosed(
    signed_data: &[u8],
    pinned: &[X509],
) -> Result<(Signer, Vec<u8>), SmimeError> {
    let mut cms = CmsContentInfo::from_der(signed_data).map_err(|e| {
        error(
            Failure::Malformed,
            format!(
                "the signed-data is not a readable CMS structure ({})",
                openssl_reason(&e)
            ),
        )
    })?;
    verify(&mut cms, None, pinned)
}

fn verify(
    cms: &mut CmsContentInfo,
    detached: Option<&[u8]>,
    pinned: &[X509],
) -> Result<(Signer, Vec<u8>), SmimeError> {
    let (digest, carried) = shim::signer(cms)?;
    let digest = digest?;
    if let Some(content) = detached {
        // OpenSSL 3.0's CMS_verify leaks its copy of detached content (a BIO, 272 bytes a
        // message) when it cannot set up the digests of the signed-data's digestAlgorithms,
        // which the signature does not cover: an unknown OID or an empty SET, which anyone
        // who knows the partner's certificate can send (openssl/openssl#30471, fixed upstream
        // by #30535, after the 3.0.19 this is built with). Those digests are set up here
        // first, as CMS_verify would, and a failure is refused before CMS_verify is called.
        shim::data_init(cms, content).map_err(|e| {
            error(
                Failure::Malformed,
                format!(
                    "the signature cannot be checked: its digest algorithms cannot be set up ({})",
                    openssl_reason(&e)
                ),
            )
        })?;
    }
    let mut certs = Stack::new().map_err(|e| error(Failure::Local, openssl_reason(&e)))?;
    for certificate in pinned {
        certs
            .push(certificate.clone())
            .map_err(|e| error(Failure::Local, openssl_reason(&e)))?;
    }
    // NOINTERN: the signer is looked for among the pinned certificates only, never among those
    // the message carries. NO_SIGNER_CERT_VERIFY: pinning is the trust, not a chain.
    let flags = binary() | CMSOptions::NOINTERN | CMSOptions::NO_SIGNER_CERT_VERIFY;
    let mut content = Vec::new();
    if let Err(e) = cms.verify(Some(&certs), None, detached, Some(&mut content), flags) {
        let reason = openssl_reason(&e);
        let carried = match carried.first() {
            Some(c) => format!(" (the certificate it carries is {})", subject(c)),
            None => String::new(),
        };
        return Err(if reason.contains("signer certificate not found") {
            error(
                Failure::UnknownSigner,
                format!(
                    "the signature is not from the partner's certificate{}{carried}",
                    if pinned.len() > 1 { "s" } else { "" }
                ),
            )
        } else if reason.contains("digest failure") || reason.contains("verification failure") {
            error(
                Failure::Integrity,
                format!("the signature does not match the signed content ({reason})"),
            )
        } else {
            error(
                Failure::Malformed,
                format!("the signature cannot be checked ({reason})"),
            )
        });
    }
    let signers = shim::signers_after_verify(cms);
    let certificate = pinned
        .iter()
        .position(|p| signers.iter().any(|s| same_certificate(p, s)))
        .ok_or_else(|| {
            error(
                Failure::UnknownSigner,
                "OpenSSL accepted a signature from none of the pinned certificates",
            )
        })?;
    Ok((
        Signer {
            certificate,
            digest,
        },
        content,
    ))
}

fn same_certificate(a: &X509Ref, b: &X509Ref) -> bool {
    match (a.to_der(), b.to_der()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Encrypts `content` (exact bytes) to the partner's certificate: DER enveloped-data, or
/// authenticated-enveloped-data for GCM.
pub fn encrypt(
    content: &[u8],
    recipient: &X509,
    cipher: ContentCipher,
) -> Result<Vec<u8>, SmimeError> {
    let failed = |e: openssl::error::ErrorStack| {
        error(
            Failure::Local,
            format!(
                "encrypting with {} to {} failed: {}",
                cipher.name(),
                subject(recipient),
                openssl_reason(&e)
            ),
        )
    };
    let mut certs = Stack::new().map_err(failed)?;
    certs.push(recipient.clone()).map_err(failed)?;
    let cms =
        CmsContentInfo::encrypt(&certs, content, cipher.openssl(), binary()).map_err(failed)?;
    cms.to_der().map_err(failed)
}

/// Decrypts with the first of our keys the message was encrypted to (two during a rollover).
pub fn decrypt(enveloped: &[u8], ours: &[KeyPair]) -> Result<Vec<u8>, SmimeError> {
    let cms = CmsContentInfo::from_der(enveloped).map_err(|e| {
        error(
            Failure::Malformed,
            format!(
                "the encrypted content is not a readable CMS structure ({})",
                openssl_reason(&e)
            ),
        )
    })?;
    let mut reasons = Vec::new();
    for pair in ours {
        match cms.decrypt(&pair.key, &pair.certificate) {
            Ok(content) => return Ok(content),
            Err(e) => reasons.push(format!(
                "{}: {}",
                subject(&pair.certificate),
                openssl_reason(&e)
            )),
        }
    }
    Err(error(
        Failure::Decryption,
        format!(
            "the message cannot be decrypted with our key{} ({})",
            if ours.len() > 1 { "s" } else { "" },
            if reasons.is_empty() {
                "no key configured".to_string()
            } else {
                reasons.join("; ")
            }
        ),
    ))
}

/// The CMS calls the `openssl` crate does not wrap, declared against the libcrypto that
/// `openssl-sys` links. Each function's contract is OpenSSL 3.0's (man CMS_add1_signer,
/// CMS_get0_SignerInfos); pointers taken from a `CmsContentInfo` live as long as it does.
mod shim {
    use std::ffi::{c_int, c_uint, c_void};
    use std::ptr;

    use foreign_types::ForeignType;
    use openssl::cms::{CMSOptions, CmsContentInfo};
    use openssl::error::ErrorStack;
    use openssl::nid::Nid;
    use openssl::x509::X509;
    use openssl_sys::{
        ASN1_OBJECT, BIO, CMS_ContentInfo, EVP_MD, EVP_PKEY, OPENSSL_STACK, X509 as RawX509,
        X509_ALGOR,
    };

    use super::{Digest, Failure, KeyPair, SmimeError, digest_nid, digest_of_nid, error};

    #[allow(non_camel_case_types)]
    enum CMS_SignerInfo {}

    unsafe extern "C" {
        fn CMS_add1_signer(
            cms: *mut CMS_ContentInfo,
            signer: *mut RawX509,
            pk: *mut EVP_PKEY,
            md: *const EVP_MD,
            flags: c_uint,
        ) -> *mut CMS_SignerInfo;
        fn CMS_final(
            cms: *mut CMS_ContentInfo,
            data: *mut BIO,
            dcont: *mut BIO,
            flags: c_uint,
        ) -> c_int;
        fn CMS_get0_SignerInfos(cms: *mut CMS_ContentInfo) -> *mut OPENSSL_STACK;
        fn CMS_SignerInfo_get0_algs(
            si: *mut CMS_SignerInfo,
            pk: *mut *mut EVP_PKEY,
            signer: *mut *mut RawX509,
            pdig: *mut *mut X509_ALGOR,
            psig: *mut *mut X509_ALGOR,
        );
        fn CMS_get0_signers(cms: *mut CMS_ContentInfo) -> *mut OPENSSL_STACK;
        fn CMS_get1_certs(cms: *mut CMS_ContentInfo) -> *mut OPENSSL_STACK;
        fn CMS_dataInit(cms: *mut CMS_ContentInfo, icont: *mut BIO) -> *mut BIO;
    }

    /// Adds our signer with the digest we choose (CMS_sign always takes the key's default).
    pub fn add_signer(
        cms: &mut CmsContentInfo,
        signer: &KeyPair,
        digest: Digest,
        flags: CMSOptions,
    ) -> Result<(), ErrorStack> {
        let md = openssl::hash::MessageDigest::from_nid(digest_nid(digest))
            .ok_or_else(ErrorStack::get)?;
        // SAFETY: cms, the certificate and the key are valid for the call; CMS_add1_signer
        // takes its own references (the "1" in its name) and returns a pointer owned by cms.
        let info = unsafe {
            CMS_add1_signer(
                cms.as_ptr(),
                signer.certificate.as_ptr(),
                signer.key.as_ptr(),
                md.as_ptr(),
                flags.bits(),
            )
        };
        if info.is_null() {
            return Err(ErrorStack::get());
        }
        Ok(())
    }

    /// Computes the signature over `content` (a partial CMS_sign needs CMS_final).
    pub fn finish(
        cms: &mut CmsContentInfo,
        content: &[u8],
        flags: CMSOptions,
    ) -> Result<(), ErrorStack> {
        let length = c_int::try_from(content.len()).map_err(|_| ErrorStack::get())?;
        // SAFETY: the read-only memory BIO borrows `content`, which outlives it (freed below);
        // CMS_final reads the BIO to its end and keeps no reference to it.
        unsafe {
            let data = openssl_sys::BIO_new_mem_buf(content.as_ptr() as *const c_void, length);
            if data.is_null() {
                return Err(ErrorStack::get());
            }
            let ok = CMS_final(cms.as_ptr(), data, ptr::null_mut(), flags.bits());
            openssl_sys::BIO_free_all(data);
            if ok != 1 {
                return Err(ErrorStack::get());
            }
        }
        Ok(())
    }

    /// Sets up what CMS_verify sets up before it reads detached `content`: the chain of
    /// digest BIOs for the signed-data's digestAlgorithms (CMS_dataInit), then frees it.
    pub fn data_init(cms: &mut CmsContentInfo, content: &[u8]) -> Result<(), ErrorStack> {
        let length = c_int::try_from(content.len()).map_err(|_| ErrorStack::get())?;
        // SAFETY: the read-only memory BIO borrows `content`, which outlives it (freed below).
        // CMS_dataInit given a BIO never frees it: on success it returns a new chain ending in
        // it (freed whole, the memory BIO with it), on failure NULL and it is still ours.
        unsafe {
            let data = openssl_sys::BIO_new_mem_buf(content.as_ptr() as *const c_void, length);
            if data.is_null() {
                return Err(ErrorStack::get());
            }
            let chain = CMS_dataInit(cms.as_ptr(), data);
            if chain.is_null() {
                openssl_sys::BIO_free_all(data);
                return Err(ErrorStack::get());
            }
            openssl_sys::BIO_free_all(chain);
        }
        Ok(())
    }

    /// The digest the (first) signer used, and the certificates the message carries (to
    /// name the signer when it is not pinned). One signer is what AS2 sends; a digest outside
    /// the supported list is refused.
    pub fn signer(
        cms: &mut CmsContentInfo,
    ) -> Result<(Result<Digest, SmimeError>, Vec<X509>), SmimeError> {
        // SAFETY: CMS_get0_SignerInfos returns NULL for a non-signed content type, else a
        // stack owned by cms; the signer info, its algorithm identifiers and certificate are
        // owned by cms too. The certificate is copied (up-ref) before cms can go away.
        unsafe {
            let infos = CMS_get0_SignerInfos(cms.as_ptr());
            if infos.is_null() {
                return Err(error(
                    Failure::Malformed,
                    "the CMS structure is not signed-data",
                ));
            }
            if openssl_sys::OPENSSL_sk_num(infos) < 1 {
                return Err(error(Failure::Malformed, "the signed-data has no signer"));
            }
            let info = openssl_sys::OPENSSL_sk_value(infos, 0) as *mut CMS_SignerInfo;
            let mut digest_algorithm: *mut X509_ALGOR = ptr::null_mut();
            CMS_SignerInfo_get0_algs(
                info,
                ptr::null_mut(),
                ptr::null_mut(),
                &mut digest_algorithm,
                ptr::null_mut(),
            );
            let carried = owned_certificates(CMS_get1_certs(cms.as_ptr()));
            if digest_algorithm.is_null() {
                return Err(error(
                    Failure::Malformed,
                    "the signer names no digest algorithm",
                ));
            }
            let mut object: *const ASN1_OBJECT = ptr::null();
            let mut parameter_type: c_int = 0;
            let mut parameter: *const c_void = ptr::null();
            openssl_sys::X509_ALGOR_get0(
                &mut object,
                &mut parameter_type,
                &mut parameter,
                digest_algorithm,
            );
            let nid = Nid::from_raw(openssl_sys::OBJ_obj2nid(object));
            let digest = digest_of_nid(nid).ok_or_else(|| {
                error(
                    Failure::Unsupported,
                    format!(
                        "the message is signed with {}, which is not accepted (sha1, sha-224, sha-256, sha-384, sha-512 are)",
                        nid.long_name().unwrap_or("an unknown digest")
                    ),
                )
            });
            Ok((digest, carried))
        }
    }

    /// The certificates CMS_verify found the signers' among (set by a successful verify).
    pub fn signers_after_verify(cms: &mut CmsContentInfo) -> Vec<X509> {
        // SAFETY: CMS_get0_signers returns a new stack (freed here) whose certificates are
        // owned by cms; each is up-ref'd before it is handed out.
        unsafe {
            let stack = CMS_get0_signers(cms.as_ptr());
            if !stack.is_null() {
                for i in 0..openssl_sys::OPENSSL_sk_num(stack) {
                    let certificate = openssl_sys::OPENSSL_sk_value(stack, i) as *mut RawX509;
                    if !certificate.is_null() {
                        openssl_sys::X509_up_ref(certificate);
                    }
                }
            }
            owned_certificates(stack)
        }
    }

    /// Takes a stack whose certificates each hold a reference for us: the certificates become
    /// owned values, the stack itself is freed.
    ///
    /// # Safety
    /// `stack` is NULL or a stack of X509 pointers, each with a reference counted for the caller.
    unsafe fn owned_certificates(stack: *mut OPENSSL_STACK) -> Vec<X509> {
        if stack.is_null() {
            return Vec::new();
        }
        let mut out = Vec::new();
        // SAFETY: per this function's contract.
        unsafe {
            for i in 0..openssl_sys::OPENSSL_sk_num(stack) {
                let certificate = openssl_sys::OPENSSL_sk_value(stack, i) as *mut RawX509;
                if !certificate.is_null() {
                    out.push(X509::from_ptr(certificate));
                }
            }
            openssl_sys::OPENSSL_sk_free(stack);
        }
        out
    }
}

#[cfg(test)]
mod tests;
