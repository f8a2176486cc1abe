// Package upload carries issued invoices from the workstation to the electronic-invoice
// service platform and back: the envelope (CMS SignedData inside EnvelopedData, SM4-GCM),
// the signed receipts, the uploader that drains the store's outbox over HTTPS, the order
// puller and the relay of the device's upload packets to the tax authority. Its
// certificates and keys come from package pki; the reference platform is package
// platform. (It was package sync, which shadowed the standard library's.)
package upload
