package verdict

import "errors"

// ErrBccNeedsCopies is wrapped by the engines' Seal when a message with
// Bcc recipients is to be encrypted as one message for everyone: every
// copy of it would name the blind recipients (their S/MIME
// RecipientInfo, RFC 5652 section 6.2; their OpenPGP key IDs in the
// PKESK packets, RFC 9580 section 5.1, and their fingerprints in the
// signature's Intended Recipient subpackets, section 5.2.3.36), which
// RFC 5322 section 3.6.3 says must stay hidden. Seal each Bcc recipient's
// copy on its own (SealOptions.Recipients; security.Sealing.Copies
// does it for a whole message).
var ErrBccNeedsCopies = errors.New("the message has Bcc recipients: one message encrypted to everyone would name them to every recipient; seal a copy of its own for each Bcc recipient")
