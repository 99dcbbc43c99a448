/* vendor_ids.c - Vendor ID payload (RFC 2408 §3.16) -> product or feature name.
 *
 * A Vendor ID is opaque bytes chosen by an implementation: mostly an MD5 hash of
 * a string (RFC 3947 NAT-T = MD5("RFC 3947")), sometimes plain ASCII
 * ("FLEXVPN-SUPPORTED"), sometimes a fixed prefix followed by version or
 * capability bytes (MS NT5 ISAKMPOAKLEY + 4-byte version, IKE fragmentation +
 * 4-byte flags, Cisco Unity + 2-byte version).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  ! Next Payload  !   RESERVED    !         Payload Length        !
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  ~                        Vendor ID (VID)                        ~
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Every entry was checked against at least two independent sources, named in
 * the comment above it: Wireshark 4.0 (packet-isakmp.c table, and tshark's
 * output on synthetic VID payloads), strongSwan (isakmp_vendor.c,
 * vendor_id_payload.c), libreswan (vendorid.c), ike-scan 1.9.5 (ike-vendor-ids),
 * or a device log; hashes of strings were recomputed with MD5.  VIDs seen in
 * only one source (Cisco IOS 3e984048, Microsoft KEY_MODS 01528bbb, NCP, ...)
 * are left out on purpose: a wrong label is worse than none.
 *
 * Matching: an EXACT entry matches only a VID of the same length; a PREFIX
 * entry matches a VID that starts with it (and, if `total` is set, has exactly
 * that length).  An exact match wins; otherwise the longest prefix wins.
 * Names where Wireshark differs: Wireshark calls 4048b7d5... "Cisco
 * Fragmentation" (it is the generic IKE fragmentation VID, MD5("FRAGMENTATION"),
 * sent by Windows and strongSwan too) and 1f07f70e... with any version other than
 * 01 00 unknown; Wireshark 4.0 names the Check Point prefix "CryptoPro/GOST 0.1
 * / Check Point R65" (we say "Check Point", as libreswan and older Wireshark).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "names.h"

enum vid_match { EXACT, PREFIX };

struct vid_entry {
	const char *bytes;      /* not NUL-terminated data; len says how much */
	size_t len;
	enum vid_match match;
	size_t total;           /* PREFIX only: required VID length, 0 = any */
	const char *name;
};

#define VID(mode, tot, nm, lit) { lit, sizeof(lit) - 1, mode, tot, nm }

static const struct vid_entry vid_table[] = {
	/* Wireshark, strongSwan, libreswan MD5("RFC 3947"), ike-scan */
	VID(EXACT, 0, "RFC 3947 NAT-T",
	    "\x4a\x13\x1c\x81\x07\x03\x58\x45\x5c\x57\x28\xf2\x0e\x95\x45\x2f"),
	/* Wireshark, ike-scan, MD5 recomputed, strongSwan, libreswan */
	VID(EXACT, 0, "draft-ietf-ipsec-nat-t-ike-00",
	    "\x44\x85\x15\x2d\x18\xb6\xbb\xcd\x0b\xe8\xa8\x46\x95\x79\xdd\xcc"),
	/* Wireshark, ike-scan, MD5 recomputed, libreswan */
	VID(EXACT, 0, "draft-ietf-ipsec-nat-t-ike-01",
	    "\x16\xf6\xca\x16\xe4\xa4\x06\x6d\x83\x82\x1a\x0f\x0a\xea\xa8\x62"),
	/* Wireshark, ike-scan, MD5 recomputed, strongSwan, libreswan */
	VID(EXACT, 0, "draft-ietf-ipsec-nat-t-ike-02",
	    "\xcd\x60\x46\x43\x35\xdf\x21\xf8\x7c\xfd\xb2\xfc\x68\xb6\xa4\x48"),
	/* Wireshark, ike-scan, MD5 recomputed, strongSwan, libreswan */
	VID(EXACT, 0, "draft-ietf-ipsec-nat-t-ike-03",
	    "\x7d\x94\x19\xa6\x53\x10\xca\x6f\x2c\x17\x9d\x92\x15\x52\x9d\x56"),
	/* Wireshark, ike-scan, MD5 recomputed, strongSwan, libreswan */
	VID(EXACT, 0, "draft-ietf-ipsec-nat-t-ike-04",
	    "\x99\x09\xb6\x4e\xed\x93\x7c\x65\x73\xde\x52\xac\xe9\x52\xfa\x6b"),
	/* Wireshark, ike-scan, MD5 recomputed, strongSwan, libreswan */
	VID(EXACT, 0, "draft-ietf-ipsec-nat-t-ike-05",
	    "\x80\xd0\xbb\x3d\xef\x54\x56\x5e\xe8\x46\x45\xd4\xc8\x5c\xe3\xee"),
	/* Wireshark, ike-scan, MD5 recomputed, strongSwan, libreswan */
	VID(EXACT, 0, "draft-ietf-ipsec-nat-t-ike-06",
	    "\x4d\x1e\x0e\x13\x6d\xea\xfa\x34\xc4\xf3\xea\x9f\x02\xec\x72\x85"),
	/* Wireshark, ike-scan, MD5 recomputed, strongSwan, libreswan */
	VID(EXACT, 0, "draft-ietf-ipsec-nat-t-ike-07",
	    "\x43\x9b\x59\xf8\xba\x67\x6c\x4c\x77\x37\xae\x22\xea\xb8\xf5\x82"),
	/* Wireshark, ike-scan, MD5 recomputed, strongSwan, libreswan */
	VID(EXACT, 0, "draft-ietf-ipsec-nat-t-ike-08",
	    "\x8f\x8d\x83\x82\x6d\x24\x6b\x6f\xc7\xa8\xa6\xa4\x28\xc1\x1d\xe8"),
	/* Wireshark, ike-scan, MD5 recomputed */
	VID(EXACT, 0, "draft-ietf-ipsec-nat-t-ike-09",
	    "\x42\xea\x5b\x6f\x89\x8d\x97\x73\xa5\x75\xdf\x26\xe7\xdd\x19\xe1"),
	/* Wireshark, strongSwan, libreswan, ike-scan; MD5 of the name with a trailing newline */
	VID(EXACT, 0, "draft-ietf-ipsec-nat-t-ike-02\\n",
	    "\x90\xcb\x80\x91\x3e\xbb\x69\x6e\x08\x63\x81\xb5\xec\x42\x7b\x1f"),
	/* Wireshark, strongSwan, libreswan (seen from Mac OS X racoon), ike-scan */
	VID(EXACT, 0, "draft-ietf-ipsec-nat-t-ike",
	    "\x4d\xf3\x79\x28\xe9\xfc\x4f\xd1\xb3\x26\x21\x70\xd5\x15\xc6\x62"),
	/* Wireshark, strongSwan, libreswan, ike-scan */
	VID(EXACT, 0, "draft-stenberg-ipsec-nat-traversal-01",
	    "\x27\xba\xb5\xdc\x01\xea\x07\x60\xea\x4e\x31\x90\xac\x27\xc0\xd0"),
	/* Wireshark, strongSwan, libreswan, ike-scan */
	VID(EXACT, 0, "draft-stenberg-ipsec-nat-traversal-02",
	    "\x61\x05\xc4\x22\xe7\x68\x47\xe4\x3f\x96\x84\x80\x12\x92\xae\xcd"),
	/* Wireshark, libreswan, ike-scan */
	VID(EXACT, 0, "draft-huttunen-ipsec-esp-in-udp-00",
	    "\x6a\x74\x34\xc1\x9d\x7e\x36\x34\x80\x90\xa0\x23\x34\xc9\xc8\x05"),
	/* Wireshark, libreswan MD5("ESPThruNAT"), ike-scan */
	VID(EXACT, 0, "ESPThruNAT (draft-huttunen-ipsec-esp-in-udp-01)",
	    "\x50\x76\x0f\x62\x4c\x63\xe5\xc5\x3e\xea\x38\x6c\x68\x5c\xa0\x83"),
	/* Wireshark, ike-scan; MD5("Testing NAT-T RFC") */
	VID(EXACT, 0, "Testing NAT-T RFC",
	    "\xc4\x0f\xee\x00\xd5\xd3\x9d\xdb\x1f\xc7\x62\xe0\x9b\x7c\xfe\xa7"),
	/* libreswan comment (Solaris 10), ike-scan; MD5("RFC XXXX") */
	VID(EXACT, 0, "RFC XXXX (Solaris 10 NAT-T)",
	    "\x81\x0f\xa5\x65\xf8\xab\x14\x36\x91\x05\xd7\x06\xfb\xd5\x72\x79"),
	/* Wireshark, strongSwan, libreswan, ike-scan (version 1.0) */
	VID(EXACT, 0, "RFC 3706 DPD",
	    "\xaf\xca\xd7\x13\x68\xa1\xf1\xc9\x6b\x86\x96\xfc\x77\x57\x01\x00"),
	/* strongSwan (MD5("draft-ietf-ipsra-isakmp-xauth-06.txt") truncated), libreswan, Wireshark, ike-scan (prefix) */
	VID(PREFIX, 0, "XAUTH",
	    "\x09\x00\x26\x89\xdf\xd6\xb7\x12"),
	/* strongSwan, libreswan MD5("FRAGMENTATION") + capability bits, ike-scan; Wireshark calls it Cisco Fragmentation */
	VID(PREFIX, 0, "IKE Fragmentation",
	    "\x40\x48\xb7\xd5\x6e\xbc\xe8\x85\x25\xe7\xde\x7f\x00\xd6\xc2\xd3"),
	/* Wireshark, ike-scan */
	VID(EXACT, 0, "draft-ietf-ipsec-antireplay-00",
	    "\x32\x5d\xf2\x9a\x23\x19\xf2\xdd"),
	/* Wireshark, ike-scan */
	VID(EXACT, 0, "draft-ietf-ipsec-heartbeats-00",
	    "\x8d\xb7\xa4\x18\x11\x22\x16\x60"),
	/* Wireshark, libreswan (ASCII + version), ike-scan */
	VID(PREFIX, 0, "Heartbeat Notify",
	    "\x48\x65\x61\x72\x74\x42\x65\x61\x74\x5f\x4e\x6f\x74\x69\x66\x79"),
	/* Wireshark, ike-scan */
	VID(EXACT, 0, "IKE Challenge/Response for Authenticated Cryptographic Keys",
	    "\xba\x29\x04\x99\xc2\x4e\x84\xe5\x3a\x1d\x83\xa0\x5e\x5f\x00\xc9"),
	/* Wireshark, ike-scan */
	VID(EXACT, 0, "IKE Challenge/Response for Authenticated Cryptographic Keys",
	    "\x0d\x33\x61\x1a\x5d\x52\x1b\x5e\x3c\x9c\x03\xd2\xfc\x10\x7e\x12"),
	/* Wireshark, ike-scan */
	VID(EXACT, 0, "IKE Challenge/Response for Authenticated Cryptographic Keys (Revised)",
	    "\xad\x32\x51\x04\x2c\xdc\x46\x52\xc9\xe0\x73\x4c\xe5\xde\x4c\x7d"),
	/* Wireshark, libreswan MD5("GSSAPI"), ike-scan */
	VID(EXACT, 0, "GSSAPI",
	    "\x62\x1b\x04\xbb\x09\x88\x2a\xc1\xe1\x59\x35\xfe\xfa\x24\xae\xee"),
	/* Wireshark, libreswan MD5, ike-scan */
	VID(EXACT, 0, "A GSS-API Authentication Method for IKE",
	    "\xad\x2c\x0d\xd0\xb9\xc3\x20\x83\xcc\xba\x25\xb8\x86\x1e\xc4\x55"),
	/* Wireshark, ike-scan; MD5 of the name with a trailing newline */
	VID(EXACT, 0, "A GSS-API Authentication Method for IKE\\n",
	    "\xb4\x6d\x89\x14\xf3\xaa\xa3\xf2\xfe\xde\xb7\xc7\xdb\x29\x43\xca"),
	/* libreswan (ASCII "OpenPGP10171"), ike-scan */
	VID(EXACT, 0, "OpenPGP",
	    "\x4f\x70\x65\x6e\x50\x47\x50\x31\x30\x31\x37\x31"),
	/* Wireshark, strongSwan (prefix + version), libreswan MD5, ike-scan */
	VID(PREFIX, 0, "MS NT5 ISAKMPOAKLEY",
	    "\x1e\x2b\x51\x69\x05\x99\x1c\x7d\x7c\x96\xfc\xbf\xb5\x87\xe4\x61"),
	/* Wireshark, libreswan, ike-scan */
	VID(EXACT, 0, "MS NT5 ISAKMPOAKLEY (Windows 2000)",
	    "\x1e\x2b\x51\x69\x05\x99\x1c\x7d\x7c\x96\xfc\xbf\xb5\x87\xe4\x61\x00\x00\x00\x02"),
	/* Wireshark (XP SP1), libreswan, ike-scan (XP SP1) */
	VID(EXACT, 0, "MS NT5 ISAKMPOAKLEY (Windows XP)",
	    "\x1e\x2b\x51\x69\x05\x99\x1c\x7d\x7c\x96\xfc\xbf\xb5\x87\xe4\x61\x00\x00\x00\x03"),
	/* Wireshark, ike-scan, libreswan (Server 2003) */
	VID(EXACT, 0, "MS NT5 ISAKMPOAKLEY (Windows Server 2003 / XP SP2)",
	    "\x1e\x2b\x51\x69\x05\x99\x1c\x7d\x7c\x96\xfc\xbf\xb5\x87\xe4\x61\x00\x00\x00\x04"),
	/* Wireshark, libreswan, ike-scan */
	VID(EXACT, 0, "MS NT5 ISAKMPOAKLEY (Windows Vista)",
	    "\x1e\x2b\x51\x69\x05\x99\x1c\x7d\x7c\x96\xfc\xbf\xb5\x87\xe4\x61\x00\x00\x00\x05"),
	/* libreswan, ike-scan */
	VID(EXACT, 0, "MS NT5 ISAKMPOAKLEY (Windows Server 2008)",
	    "\x1e\x2b\x51\x69\x05\x99\x1c\x7d\x7c\x96\xfc\xbf\xb5\x87\xe4\x61\x00\x00\x00\x06"),
	/* libreswan, ike-scan, strongSwan (v7) */
	VID(EXACT, 0, "MS NT5 ISAKMPOAKLEY (Windows 7)",
	    "\x1e\x2b\x51\x69\x05\x99\x1c\x7d\x7c\x96\xfc\xbf\xb5\x87\xe4\x61\x00\x00\x00\x07"),
	/* libreswan, ike-scan, strongSwan (v8) */
	VID(EXACT, 0, "MS NT5 ISAKMPOAKLEY (Windows Server 2008 R2)",
	    "\x1e\x2b\x51\x69\x05\x99\x1c\x7d\x7c\x96\xfc\xbf\xb5\x87\xe4\x61\x00\x00\x00\x08"),
	/* libreswan (8, 8.1, 10, 2012 R2, 2016), ike-scan (Windows 8) */
	VID(EXACT, 0, "MS NT5 ISAKMPOAKLEY (Windows 8 or later)",
	    "\x1e\x2b\x51\x69\x05\x99\x1c\x7d\x7c\x96\xfc\xbf\xb5\x87\xe4\x61\x00\x00\x00\x09"),
	/* Wireshark, libreswan MD5, ike-scan */
	VID(EXACT, 0, "MS-Negotiation Discovery Capable",
	    "\xfb\x1d\xe3\xcd\xf3\x41\xb7\xea\x16\xb7\xe5\xbe\x08\x55\xf1\x20"),
	/* Wireshark, libreswan MD5, ike-scan */
	VID(EXACT, 0, "IKE CGA version 1",
	    "\xe3\xa5\x96\x6a\x76\x37\x9f\xe7\x07\x22\x82\x31\xe5\xce\x86\x52"),
	/* libreswan MD5("MS-MamieExists"), ike-scan */
	VID(EXACT, 0, "MS-MamieExists (AuthIP supported)",
	    "\x21\x4c\xa4\xfa\xff\xa7\xf3\x2d\x67\x48\xe5\x30\x33\x95\xae\x83"),
	/* libreswan, ike-scan */
	VID(EXACT, 0, "NLBS_PRESENT (NLB/MSCS fast failover)",
	    "\x72\x87\x2b\x95\xfc\xda\x2e\xb7\x08\xef\xe3\x22\x11\x9b\x49\x71"),
	/* Wireshark, libreswan MD5("Vid-Initial-Contact"), ike-scan */
	VID(EXACT, 0, "Microsoft Vid-Initial-Contact",
	    "\x26\x24\x4d\x38\xed\xdb\x61\xb3\x17\x2a\x36\xe3\xd0\xcf\xb8\x19"),
	/* Wireshark (14-byte prefix), strongSwan/libreswan (+ version 01 00), ike-scan; MD5("CISCO-UNITY") truncated */
	VID(PREFIX, 0, "Cisco Unity",
	    "\x12\xf5\xf2\x8c\x45\x71\x68\xa9\x70\x2d\x9f\xe2\x74\xcc"),
	/* libreswan (VPN 3000 series, 14-byte prefix + version), ike-scan (prefix), Wireshark (...0100) */
	VID(PREFIX, 0, "Cisco VPN Concentrator",
	    "\x1f\x07\xf7\x0e\xaa\x65\x14\xd3\xb0\xfa\x96\x54\x2a\x50"),
	/* Wireshark, libreswan, strongSwan (ASCII) */
	VID(EXACT, 0, "Cisco FlexVPN Supported",
	    "\x46\x4c\x45\x58\x56\x50\x4e\x2d\x53\x55\x50\x50\x4f\x52\x54\x45\x44"),
	/* Wireshark, libreswan, strongSwan (ASCII) */
	VID(EXACT, 0, "Cisco Delete Reason",
	    "\x43\x49\x53\x43\x4f\x2d\x44\x45\x4c\x45\x54\x45\x2d\x52\x45\x41\x53\x4f\x4e"),
	/* Wireshark, libreswan (ASCII) */
	VID(EXACT, 0, "Cisco Dynamic Route",
	    "\x43\x49\x53\x43\x4f\x2d\x44\x59\x4e\x41\x4d\x49\x43\x2d\x52\x4f\x55\x54\x45"),
	/* Wireshark, libreswan (ASCII) */
	VID(EXACT, 0, "Cisco VPN Revision 2",
	    "\x43\x49\x53\x43\x4f\x56\x50\x4e\x2d\x52\x45\x56\x2d\x30\x32"),
	/* Wireshark, strongSwan (ASCII) */
	VID(EXACT, 0, "Cisco Copyright (c) 2009",
	    "\x43\x49\x53\x43\x4f\x28\x43\x4f\x50\x59\x52\x49\x47\x48\x54\x29\x26\x43\x6f\x70\x79\x72\x69\x67\x68\x74\x20\x28\x63\x29\x20\x32\x30\x30\x39\x20\x43\x69\x73\x63\x6f\x20\x53\x79\x73\x74\x65\x6d\x73\x2c\x20\x49\x6e\x63\x2e"),
	/* Wireshark, libreswan, strongSwan (prefix), ike-scan (Firewall-1) */
	VID(PREFIX, 0, "Check Point",
	    "\xf4\xed\x19\xe0\xc1\x14\xeb\x51\x6f\xaa\xac\x0e\xe3\x7d\xaf\x28\x07\xb4\x38\x1f"),
	/* Wireshark (Fortigate), FortiGate 'diagnose debug' log (VID FORTIGATE) */
	VID(PREFIX, 0, "FortiGate",
	    "\x82\x99\x03\x17\x57\xa3\x60\x82\xc6\xa6\x21\xde"),
	/* Wireshark, libreswan MD5 */
	VID(EXACT, 0, "Fortinet Endpoint Control",
	    "\xb4\xf0\x1c\xa9\x51\xe9\xda\x8d\x0b\xaf\xbb\xd3\x4a\xd3\x04\x4e"),
	/* Wireshark, libreswan MD5 */
	VID(EXACT, 0, "FortiClient connect license",
	    "\x4c\x53\x42\x7b\x6d\x46\x5d\x1b\x33\x7b\xb7\x55\xa3\x7a\x7f\xef"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-1",
	    "\x29\x9e\xe8\x28\x9f\x40\xa8\x97\x3b\xc7\x86\x87\xe2\xe7\x22\x6b\x53\x2c\x3b\x76"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-2",
	    "\x3a\x15\xe1\xf3\xcf\x2a\x63\x58\x2e\x3a\xc8\x2d\x1c\x64\xcb\xe3\xb6\xd7\x79\xe7"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-3",
	    "\x47\xd2\xb1\x26\xbf\xcd\x83\x48\x97\x60\xe2\xcf\x8c\x5d\x4d\x5a\x03\x49\x7c\x15"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-4",
	    "\x4a\x43\x40\xb5\x43\xe0\x2b\x84\xc8\x8a\x8b\x96\xa8\xaf\x9e\xbe\x77\xd9\xac\xcc"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-5",
	    "\x64\x40\x5f\x46\xf0\x3b\x76\x60\xa2\x3b\xe1\x16\xa1\x97\x50\x58\xe6\x9e\x83\x87"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-6",
	    "\x69\x93\x69\x22\x87\x41\xc6\xd4\xca\x09\x4c\x93\xe2\x42\xc9\xde\x19\xe7\xb7\xc6"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-7",
	    "\x8c\x0d\xc6\xcf\x62\xa0\xef\x1b\x5c\x6e\xab\xd1\xb6\x7b\xa6\x98\x66\xad\xf1\x6a"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-8",
	    "\x92\xd2\x7a\x9e\xcb\x31\xd9\x92\x46\x98\x6d\x34\x53\xd0\xc3\xd5\x7a\x22\x2a\x61"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-9",
	    "\x9b\x09\x6d\x9a\xc3\x27\x5a\x7d\x6f\xe8\xb9\x1c\x58\x31\x11\xb0\x9e\xfe\xd1\xa0"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-10",
	    "\xbf\x03\x74\x61\x08\xd7\x46\xc9\x04\xf1\xf3\x54\x7d\xe2\x4f\x78\x47\x9f\xed\x12"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-11",
	    "\xc2\xe8\x05\x00\xf4\xcc\x5f\xbf\x5d\xaa\xee\xd3\xbb\x59\xab\xae\xee\x56\xc6\x52"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-12",
	    "\xc8\x66\x0a\x62\xb0\x3b\x1b\x61\x30\xbf\x78\x16\x08\xd3\x2a\x6a\x8d\x0f\xb8\x9f"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-13",
	    "\xf8\x85\xda\x40\xb1\xe7\xa9\xab\xd1\x76\x55\xec\x5b\xbe\xc0\xf2\x1f\x0e\xd5\x2e"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-14",
	    "\x2a\x2b\xca\xc1\x9b\x8e\x91\xb4\x26\x10\x78\x07\xe0\x2e\x72\x49\x56\x9d\x6f\xd3"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-15",
	    "\x16\x6f\x93\x2d\x55\xeb\x64\xd8\xe4\xdf\x4f\xd3\x7e\x23\x13\xf0\xd0\xfd\x84\x51"),
	/* Wireshark, libreswan, ike-scan */
	VID(PREFIX, 0, "Netscreen-16",
	    "\xa3\x5b\xfd\x05\xca\x1a\xc0\xb3\xd2\xf2\x4e\x9e\x82\xbf\xcb\xff\x9c\x9e\x52\xb5"),
	/* Wireshark, strongSwan, libreswan, ike-scan */
	VID(EXACT, 0, "ZyXEL ZyWALL",
	    "\x62\x50\x27\x74\x9d\x5a\xb9\x7f\x56\x16\xc1\x60\x27\x65\xcf\x48\x0a\x3b\x7d\x0b"),
	/* strongSwan, ike-scan */
	VID(EXACT, 0, "ZyXEL ZyWALL Router",
	    "\xb8\x58\xd1\xad\xdd\x08\xc1\xe8\xad\xaf\xea\x15\x06\x08\xaa\x44\x97\xaa\x6c\xc8"),
	/* strongSwan, ike-scan */
	VID(EXACT, 0, "ZyXEL ZyWALL USG 100",
	    "\xf7\x58\xf2\x26\x68\x75\x0f\x03\xb0\x8d\xf6\xeb\xe1\xd0"),
	/* Wireshark, libreswan, ike-scan (Sidewinder G2) */
	VID(EXACT, 0, "Sidewinder",
	    "\x84\x04\xad\xf9\xcd\xa0\x57\x60\xb2\xca\x29\x2e\x4b\xff\x53\x7b"),
	/* Wireshark, libreswan (Sonicwall 1), ike-scan */
	VID(EXACT, 0, "SonicWall",
	    "\x40\x4b\xf4\x39\x52\x2c\xa3\xf6"),
	/* Wireshark, libreswan */
	VID(EXACT, 0, "Shrew Soft",
	    "\xf1\x4b\x94\xb7\xbf\xf1\xfe\xf0\x27\x73\xb8\xc4\x9f\xed\xed\x26"),
	/* ike-scan, libreswan comment (SoftRemote 8.0.0 / 9.0.1) */
	VID(PREFIX, 0, "SafeNet SoftRemote",
	    "\x47\xbb\xe7\xc9\x93\xf1\xfc\x13\xb4\xe6\xd0\xdb\x56\x5c\x68\xe5"),
	/* libreswan (ASCII prefix), ike-scan */
	VID(PREFIX, 0, "Timestep",
	    "\x54\x49\x4d\x45\x53\x54\x45\x50"),
	/* ike-scan (prefix), libreswan comment (424e455300000009) */
	VID(PREFIX, 0, "Nortel Contivity",
	    "\x42\x4e\x45\x53\x00\x00\x00"),
	/* libreswan (ASCII "Mac OSX 10.x"), ike-scan (MacOS 10.x) */
	VID(EXACT, 0, "Mac OS X 10.x",
	    "\x4d\x61\x63\x20\x4f\x53\x58\x20\x31\x30\x2e\x78"),
	/* Wireshark, libreswan MD5, ike-scan */
	VID(EXACT, 0, "KAME/racoon",
	    "\x70\x03\xcb\xc1\x09\x7d\xbe\x9c\x26\x00\xba\x69\x83\xbc\x8b\x35"),
	/* Wireshark; MD5("IPSec-Tools") recomputed */
	VID(EXACT, 0, "IPsec-Tools",
	    "\x20\xa3\x62\x2c\x1c\xea\x7c\xe3\x7b\xee\x3c\xa4\x84\x42\x52\x76"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string, libreswan */
	VID(EXACT, 0, "SSH IPSEC Express 1.1.0",
	    "\xfb\xf4\x76\x14\x98\x40\x31\xfa\x8e\x3b\xb6\x19\x80\x89\xb2\x23"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string, libreswan */
	VID(EXACT, 0, "SSH IPSEC Express 1.1.1",
	    "\x19\x52\xdc\x91\xac\x20\xf6\x46\xfb\x01\xcf\x42\xa3\x3a\xee\x30"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string, libreswan */
	VID(EXACT, 0, "SSH IPSEC Express 1.1.2",
	    "\xe8\xbf\xfa\x64\x3e\x5c\x8f\x2c\xd1\x0f\xda\x73\x70\xb6\xeb\xe5"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string, libreswan */
	VID(EXACT, 0, "SSH IPSEC Express 1.2.1",
	    "\xc1\x11\x1b\x2d\xee\x8c\xbc\x3d\x62\x05\x73\xec\x57\xaa\xb9\xcb"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string, libreswan */
	VID(EXACT, 0, "SSH IPSEC Express 1.2.2",
	    "\x09\xec\x27\xbf\xbc\x09\xc7\x58\x23\xcf\xec\xbf\xfe\x56\x5a\x2e"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string, libreswan */
	VID(EXACT, 0, "SSH IPSEC Express 2.0.0",
	    "\x7f\x21\xa5\x96\xe4\xe3\x18\xf0\xb2\xf4\x94\x4c\x23\x84\xcb\x84"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string, libreswan */
	VID(EXACT, 0, "SSH IPSEC Express 2.1.0",
	    "\x28\x36\xd1\xfd\x28\x07\xbc\x9e\x5a\xe3\x07\x86\x32\x04\x51\xec"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string, libreswan */
	VID(EXACT, 0, "SSH IPSEC Express 2.1.1",
	    "\xa6\x8d\xe7\x56\xa9\xc5\x22\x9b\xae\x66\x49\x80\x40\x95\x1a\xd5"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string, libreswan */
	VID(EXACT, 0, "SSH IPSEC Express 2.1.2",
	    "\x3f\x23\x72\x86\x7e\x23\x7c\x1c\xd8\x25\x0a\x75\x55\x9c\xae\x20"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string, libreswan */
	VID(EXACT, 0, "SSH IPSEC Express 3.0.0",
	    "\x0e\x58\xd5\x77\x4d\xf6\x02\x00\x7d\x0b\x02\x44\x36\x60\xf7\xeb"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string, libreswan */
	VID(EXACT, 0, "SSH IPSEC Express 3.0.1",
	    "\xf5\xce\x31\xeb\xc2\x10\xf4\x43\x50\xcf\x71\x26\x5b\x57\x38\x0f"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string, libreswan */
	VID(EXACT, 0, "SSH IPSEC Express 4.0.0",
	    "\xf6\x42\x60\xaf\x2e\x27\x42\xda\xdd\xd5\x69\x87\x06\x8a\x99\xa0"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string, libreswan */
	VID(EXACT, 0, "SSH IPSEC Express 4.0.1",
	    "\x7a\x54\xd3\xbd\xb3\xb1\xe6\xd9\x23\x89\x20\x64\xbe\x2d\x98\x1c"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string, libreswan */
	VID(EXACT, 0, "SSH IPSEC Express 4.1.0",
	    "\x9a\xa1\xf3\xb4\x34\x72\xa4\x5d\x5f\x50\x6a\xeb\x26\x0c\xf2\x14"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string */
	VID(EXACT, 0, "SSH IPSEC Express 4.1.1",
	    "\x89\xf7\xb7\x60\xd8\x6b\x01\x2a\xcf\x26\x33\x82\x39\x4d\x96\x2f"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string, libreswan */
	VID(EXACT, 0, "SSH IPSEC Express 4.2.0",
	    "\x68\x80\xc7\xd0\x26\x09\x91\x14\xe4\x86\xc5\x54\x30\xe7\xab\xee"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string */
	VID(EXACT, 0, "SSH IPSEC Express 5.0",
	    "\xb0\x37\xa2\x1a\xce\xcc\xb5\x57\x0f\x60\x25\x46\xf9\x7b\xde\x8c"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string */
	VID(EXACT, 0, "SSH IPSEC Express 5.0.0",
	    "\x2b\x2d\xad\x97\xc4\xd1\x40\x93\x00\x53\x28\x7f\x99\x68\x50\xb0"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string */
	VID(EXACT, 0, "SSH IPSEC Express 5.1.0",
	    "\x45\xe1\x7f\x3a\xbe\x93\x94\x4c\xb2\x02\x91\x0c\x59\xef\x80\x6b"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string */
	VID(EXACT, 0, "SSH IPSEC Express 5.1.1",
	    "\x59\x25\x85\x9f\x73\x77\xed\x78\x16\xd2\xfb\x81\xc0\x1f\xa5\x51"),
	/* Wireshark, libreswan MD5, ike-scan */
	VID(EXACT, 0, "SSH Sentinel",
	    "\x05\x41\x82\xa0\x7c\x7a\xe2\x06\xf9\xd2\xcf\x9d\x24\x32\xc4\x82"),
	/* Wireshark, libreswan MD5, ike-scan */
	VID(EXACT, 0, "SSH Sentinel 1.1",
	    "\xb9\x16\x23\xe6\x93\xca\x18\xa5\x4c\x6a\x27\x78\x55\x23\x05\xe8"),
	/* Wireshark, libreswan MD5, ike-scan */
	VID(EXACT, 0, "SSH Sentinel 1.2",
	    "\x54\x30\x88\x8d\xe0\x1a\x31\xa6\xfa\x8f\x60\x22\x4e\x44\x99\x58"),
	/* Wireshark, libreswan MD5, ike-scan */
	VID(EXACT, 0, "SSH Sentinel 1.3",
	    "\x7e\xe5\xcb\x85\xf7\x1c\xe2\x59\xc9\x4a\x5c\x73\x1e\xe4\xe7\x52"),
	/* Wireshark, libreswan MD5, ike-scan */
	VID(EXACT, 0, "SSH Sentinel 1.4",
	    "\x63\xd9\xa1\xa7\x00\x94\x91\xb5\xa0\xa6\xfd\xeb\x2a\x82\x84\xf0"),
	/* Wireshark, libreswan MD5, ike-scan */
	VID(EXACT, 0, "SSH Sentinel 1.4.1",
	    "\xeb\x4b\x0d\x96\x27\x6b\x4e\x22\x0a\xd1\x62\x21\xa7\xb2\xa5\xe6"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string */
	VID(EXACT, 0, "SSH QuickSec 0.9.0",
	    "\x37\xeb\xa0\xc4\x13\x61\x84\xe7\xda\xf8\x56\x2a\x77\x06\x0b\x4a"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string */
	VID(EXACT, 0, "SSH QuickSec 1.1.0",
	    "\x5d\x72\x92\x5e\x55\x94\x8a\x96\x61\xa7\xfc\x48\xfd\xec\x7f\xf9"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string */
	VID(EXACT, 0, "SSH QuickSec 1.1.1",
	    "\x77\x7f\xbf\x4c\x5a\xf6\xd1\xcd\xd4\xb8\x95\xa0\x5b\xf8\x25\x94"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string */
	VID(EXACT, 0, "SSH QuickSec 1.1.2",
	    "\x2c\xdf\x08\xe7\x12\xed\xe8\xa5\x97\x87\x61\x26\x7c\xd1\x9b\x91"),
	/* Wireshark, ike-scan; MD5 of Wireshark's string */
	VID(EXACT, 0, "SSH QuickSec 1.1.3",
	    "\x59\xe4\x54\xa8\xc2\xcf\x02\xa3\x49\x59\x12\x1f\x18\x90\xbc\x87"),
	/* Wireshark, strongSwan MD5("strongSwan"), libreswan, ike-scan */
	VID(EXACT, 0, "strongSwan",
	    "\x88\x2f\xe5\x6d\x6f\xd2\x0d\xbc\x22\x51\x61\x3b\x2e\xbe\x5b\xeb"),
	/* ike-scan; MD5("strongSwan 5.1.1") recomputed */
	VID(EXACT, 0, "strongSwan 5.1.1",
	    "\x9e\x10\xa0\xd4\x20\x5e\xdc\x6c\x90\xbd\x53\x81\xa5\x3c\x2d\x2b"),
	/* ike-scan; MD5("strongSwan 5.1.1rc1") recomputed */
	VID(EXACT, 0, "strongSwan 5.1.1rc1",
	    "\xa5\x5a\x90\xde\x78\x16\x11\xf7\x0c\xbb\xae\x70\x45\xa2\x25\xfc"),
	/* ike-scan; MD5("strongSwan 5.1.1dr4") recomputed */
	VID(EXACT, 0, "strongSwan 5.1.1dr4",
	    "\xc9\x0b\x02\x0d\x04\x3f\x1f\x05\x0b\xa8\x09\xe1\x3d\xc8\x23\x4e"),
	/* ike-scan; MD5("strongSwan 5.1.1dr3") recomputed */
	VID(EXACT, 0, "strongSwan 5.1.1dr3",
	    "\x06\xf2\xf1\xb8\x22\x56\xdc\xe6\x2c\x07\xcb\x4f\x71\x60\x40\x35"),
	/* ike-scan; MD5("strongSwan 5.1.1dr2") recomputed */
	VID(EXACT, 0, "strongSwan 5.1.1dr2",
	    "\x4f\x13\x0d\x31\x2e\xc9\x2f\x50\xc0\x2f\x2b\x0e\xb6\x0d\x6c\xcc"),
	/* ike-scan; MD5("strongSwan 5.1.1dr1") recomputed */
	VID(EXACT, 0, "strongSwan 5.1.1dr1",
	    "\x1a\x45\xd3\xbd\xa5\x56\x46\x01\x6e\x99\x8a\xc1\xc5\x59\x0e\x59"),
	/* ike-scan; MD5("strongSwan 5.1.0") recomputed */
	VID(EXACT, 0, "strongSwan 5.1.0",
	    "\xb7\xd8\xe6\x21\x84\x04\x9f\xb2\x1b\x08\x8d\x42\x32\xd2\x54\x9c"),
	/* ike-scan; MD5("strongSwan 5.1.0rc1") recomputed */
	VID(EXACT, 0, "strongSwan 5.1.0rc1",
	    "\x02\xc4\x98\x67\x06\x01\x73\xc6\x65\xeb\xce\x2b\x81\x10\xc7\xf7"),
	/* ike-scan; MD5("strongSwan 5.1.0dr2") recomputed */
	VID(EXACT, 0, "strongSwan 5.1.0dr2",
	    "\xe0\x69\xa5\x83\xc5\x64\x02\x57\xa8\xde\x2c\xf0\x62\x46\x1a\x4b"),
	/* ike-scan; MD5("strongSwan 5.1.0dr1") recomputed */
	VID(EXACT, 0, "strongSwan 5.1.0dr1",
	    "\x22\x98\x2e\xab\x04\x0b\xe7\xa4\xcb\x41\x77\xda\x31\x2f\x2f\x1c"),
	/* ike-scan; MD5("strongSwan 5.0.4") recomputed */
	VID(EXACT, 0, "strongSwan 5.0.4",
	    "\xdc\x3a\xfc\xdd\xa0\x51\x4d\xa3\x94\xb4\xb3\x6f\x4c\xb1\xb9\xa7"),
	/* ike-scan; MD5("strongSwan 5.0.3") recomputed */
	VID(EXACT, 0, "strongSwan 5.0.3",
	    "\xd3\x98\x47\x6a\x43\xb9\xd6\xc5\x6c\x40\x45\xff\xcc\x9f\xff\xb9"),
	/* ike-scan; MD5("strongSwan 5.0.3rc1") recomputed */
	VID(EXACT, 0, "strongSwan 5.0.3rc1",
	    "\xf2\xd4\xde\x99\x97\x21\xc3\x7f\xea\x51\xd4\xbc\xbc\x06\x01\x20"),
	/* ike-scan; MD5("strongSwan 5.0.3dr3") recomputed */
	VID(EXACT, 0, "strongSwan 5.0.3dr3",
	    "\xf4\xd6\x8a\x2f\xb6\x3e\x43\x90\xa9\x59\xba\xa5\xc4\xbc\x75\x98"),
	/* ike-scan; MD5("strongSwan 5.0.3dr2") recomputed */
	VID(EXACT, 0, "strongSwan 5.0.3dr2",
	    "\x7b\x3f\x3d\x21\xe4\x76\x8e\x01\x0f\xc7\xdd\x04\xae\x36\x9c\x61"),
	/* ike-scan; MD5("strongSwan 5.0.3dr1") recomputed */
	VID(EXACT, 0, "strongSwan 5.0.3dr1",
	    "\xca\x7d\x77\xd2\x07\x94\x39\x1d\xf5\xa3\xcb\x90\xfb\xf5\xb7\x2e"),
	/* ike-scan; MD5("strongSwan 5.0.2") recomputed */
	VID(EXACT, 0, "strongSwan 5.0.2",
	    "\x04\xd5\x2c\xc5\xfd\x04\xaa\x97\x10\x63\xb1\x11\x91\x77\x31\xd2"),
	/* ike-scan; MD5("strongSwan 5.0.2rc1") recomputed */
	VID(EXACT, 0, "strongSwan 5.0.2rc1",
	    "\x80\xb8\xf4\x38\x0b\x18\xf2\x4f\x03\xce\x57\x45\xfc\x3d\xb5\x6b"),
	/* ike-scan; MD5("strongSwan 5.0.2dr4") recomputed */
	VID(EXACT, 0, "strongSwan 5.0.2dr4",
	    "\xa5\xf8\xce\x0d\x67\x51\xc6\x40\xe5\x5b\xc4\x17\x84\xf2\xe0\x81"),
	/* ike-scan; MD5("strongSwan 5.0.1") recomputed */
	VID(EXACT, 0, "strongSwan 5.0.1",
	    "\x75\xaa\x8f\x69\xde\x2e\x44\x50\x0d\xae\x84\x2b\xe2\x1f\x54\x91"),
	/* ike-scan; MD5("strongSwan 5.0.0") recomputed */
	VID(EXACT, 0, "strongSwan 5.0.0",
	    "\xe1\x54\xb1\x1a\x96\xee\x2b\x44\xd4\x95\x48\x43\xcd\x3a\x40\xa3"),
	/* ike-scan; MD5("strongSwan 4.6.4") recomputed */
	VID(EXACT, 0, "strongSwan 4.6.4",
	    "\xa8\x76\x80\xd0\x0c\xbb\x93\x98\x71\xeb\x68\x0d\x18\xd0\x52\xe2"),
	/* ike-scan; MD5("strongSwan 4.6.3") recomputed */
	VID(EXACT, 0, "strongSwan 4.6.3",
	    "\x98\x4a\x7b\xfe\xfb\x46\x48\x9a\x5b\xe7\x4b\x64\x53\x1c\x67\x53"),
	/* ike-scan; MD5("strongSwan 4.6.2") recomputed */
	VID(EXACT, 0, "strongSwan 4.6.2",
	    "\x9c\x73\xb1\x9f\x5f\x41\x81\xaa\x4b\x26\x9d\xd0\x04\x60\x88\x11"),
	/* ike-scan; MD5("strongSwan 4.6.1") recomputed */
	VID(EXACT, 0, "strongSwan 4.6.1",
	    "\x1d\x6c\xfa\x4d\x69\xd9\xd3\x3c\x0b\x22\x44\xbf\x99\xde\x9b\x8b"),
	/* ike-scan; MD5("strongSwan 4.6.0") recomputed */
	VID(EXACT, 0, "strongSwan 4.6.0",
	    "\x41\xef\x2e\x2f\x7e\xc8\xb9\x23\xc9\x8d\x9f\xa9\xbb\x7a\x04\xa5"),
	/* ike-scan; MD5("strongSwan 4.5.3") recomputed */
	VID(EXACT, 0, "strongSwan 4.5.3",
	    "\x75\x24\x4a\xd8\xa5\xa0\xf4\x8e\x7e\x3b\x7a\xd7\x9d\xca\xb1\x53"),
	/* ike-scan; MD5("strongSwan 4.5.2") recomputed */
	VID(EXACT, 0, "strongSwan 4.5.2",
	    "\xb1\x49\xd6\x16\x1f\xb4\xc7\xc3\x80\x5b\xee\xff\x04\x2d\x08\xc0"),
	/* ike-scan; MD5("strongSwan 4.5.1") recomputed */
	VID(EXACT, 0, "strongSwan 4.5.1",
	    "\xef\xe1\x2e\x85\x33\xbb\xcf\x4e\x97\x8e\xc8\x74\x93\x5e\x99\x72"),
	/* ike-scan; MD5("strongSwan 4.5.0") recomputed */
	VID(EXACT, 0, "strongSwan 4.5.0",
	    "\xef\xf8\x9e\x6f\x40\x6f\x55\x29\x28\x07\xc3\xb8\xf9\x25\x88\x4a"),
	/* ike-scan; MD5("strongSwan 4.4.1") recomputed */
	VID(EXACT, 0, "strongSwan 4.4.1",
	    "\xaa\xa2\xe2\x72\xc5\x8d\xe8\xf9\x6e\x72\xc4\xc2\x1b\xa7\xdd\x99"),
	/* ike-scan; MD5("strongSwan 4.4.0") recomputed */
	VID(EXACT, 0, "strongSwan 4.4.0",
	    "\xa5\xad\x81\xe1\x5e\x1c\x68\xa1\xbe\x27\x7a\xbf\xee\xe8\x0d\x94"),
	/* ike-scan; MD5("strongSwan 4.3.7") recomputed */
	VID(EXACT, 0, "strongSwan 4.3.7",
	    "\x02\xd7\xc3\xa0\x69\x8e\xc3\x3b\xb1\x26\xb2\xba\xa7\x0b\x9c\x2c"),
	/* ike-scan; MD5("strongSwan 4.3.5rc1") recomputed */
	VID(EXACT, 0, "strongSwan 4.3.5rc1",
	    "\x11\x7c\x40\x6d\x20\xa2\x9f\x56\xf0\xdf\xcb\x03\xd9\xfa\x83\x5b"),
	/* ike-scan; MD5("strongSwan 4.3.5") recomputed */
	VID(EXACT, 0, "strongSwan 4.3.5",
	    "\xde\x5c\x70\x38\x01\x95\x2d\x85\xf6\xb3\xed\x33\xb3\x37\x84\xb4"),
	/* ike-scan; MD5("strongSwan 4.3.4") recomputed */
	VID(EXACT, 0, "strongSwan 4.3.4",
	    "\xe3\x7e\x5d\x64\xa3\x29\xa5\xcf\x1e\xeb\x85\x46\xc3\xb0\x60\x18"),
	/* ike-scan; MD5("strongSwan 4.3.3") recomputed */
	VID(EXACT, 0, "strongSwan 4.3.3",
	    "\xf9\xf0\x93\x62\x93\x08\xb2\x43\x88\xd0\x9c\x3f\x02\x6d\xe0\xa8"),
	/* ike-scan; MD5("strongSwan 4.3.2") recomputed */
	VID(EXACT, 0, "strongSwan 4.3.2",
	    "\xd6\x26\x39\x56\xac\x79\x09\x61\xa9\xc8\x40\x9b\x39\x37\x24\xbf"),
	/* ike-scan; MD5("strongSwan 4.3.1") recomputed */
	VID(EXACT, 0, "strongSwan 4.3.1",
	    "\x20\xb1\xf6\x2b\x24\x0a\x52\xa8\x49\x30\x91\x83\x96\x0c\xbb\x64"),
	/* ike-scan; MD5("strongSwan 4.3.0") recomputed */
	VID(EXACT, 0, "strongSwan 4.3.0",
	    "\x9d\xeb\x74\xe7\x51\xf4\x4c\x47\x90\x5e\xd2\xfa\xd9\x3f\x92\x71"),
	/* ike-scan; MD5("strongSwan 4.2.9") recomputed */
	VID(EXACT, 0, "strongSwan 4.2.9",
	    "\x48\x8c\x08\xf5\x7a\xfc\x38\x21\x12\xf7\xcb\x39\x6f\x2d\x4f\x6c"),
	/* ike-scan; MD5("strongSwan 4.2.8") recomputed */
	VID(EXACT, 0, "strongSwan 4.2.8",
	    "\x95\x56\x9e\xe2\x3e\xbb\x62\xed\xde\xde\xa3\x53\xa5\x75\xfa\xf3"),
	/* ike-scan; MD5("strongSwan 4.2.7") recomputed */
	VID(EXACT, 0, "strongSwan 4.2.7",
	    "\x4d\xdc\x7e\x1f\x6d\x6c\xd1\xae\x9d\x5d\xca\xc5\x8f\xa1\xfe\x9a"),
	/* ike-scan; MD5("strongSwan 4.2.6") recomputed */
	VID(EXACT, 0, "strongSwan 4.2.6",
	    "\xa2\x78\x2d\xd6\x83\xb5\xed\xee\x3b\x77\x7f\x89\x7d\x2b\x86\x7e"),
	/* ike-scan; MD5("strongSwan 4.2.5") recomputed */
	VID(EXACT, 0, "strongSwan 4.2.5",
	    "\xaf\x0a\x05\xe0\xbd\x37\xb0\xab\xa0\x13\x5a\x19\x4a\xbb\x5b\x89"),
	/* ike-scan; MD5("strongSwan 4.2.4") recomputed */
	VID(EXACT, 0, "strongSwan 4.2.4",
	    "\xcd\x57\x92\xd4\xb7\x0f\x02\x99\xa6\xa1\x37\x3d\xe2\x36\xd2\xac"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.2.3",
	    "\x2d\x1f\x40\x61\x18\xfb\xd5\xd2\x84\x74\x79\x1f\xfa\x00\x48\x8a"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.2.2",
	    "\x2a\x51\x7d\x0d\x23\xc3\x7d\x08\xbc\xe7\xc2\x92\xa0\x21\x7b\x39"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.2.1",
	    "\xba\xb2\x53\xf4\xcb\x10\xa8\x10\x8a\x7c\x92\x7c\x56\xc8\x78\x86"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.2.0",
	    "\x9f\x68\x90\x13\x25\xa9\x72\x89\x43\x35\x30\x2a\x95\x31\xab\x9f"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.1.11",
	    "\xb7\xbd\x9f\x2f\x97\x8e\x32\x59\xa7\xaa\x9f\x7a\x13\x96\xad\x6c"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.1.10",
	    "\xbf\x3a\x89\xae\x5b\xef\x8e\x72\xd4\x4d\xac\x8b\xb8\x8d\x7d\x5f"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.1.9",
	    "\x78\xfd\xd2\x87\xde\xf0\x1a\x3f\x07\x4b\x53\x69\xea\xb4\xfd\x1c"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.1.8",
	    "\x66\xa2\x04\x55\x07\xc1\x19\xda\x78\xa4\x66\x62\x59\xcd\xea\x48"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.1.7",
	    "\xea\x84\x0a\xa4\xdf\xc9\x71\x2d\x6c\x32\xb5\xa1\x6e\xb3\x29\xa3"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.1.6",
	    "\xd1\x96\x83\x36\x8a\xf4\xb0\xed\xc2\x1c\xcd\xe9\x82\xb1\xd1\xb0"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.1.5",
	    "\xbf\x0f\xbf\x73\x06\xeb\xb7\x82\x70\x42\xd8\x93\x53\x98\x86\xe2"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.1.4",
	    "\x31\x2f\x9c\xb1\xa6\xb9\x0e\x19\xde\x75\x28\xc9\x04\xac\x30\x87"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.1.3",
	    "\x58\x49\xab\x6d\x8b\xea\xbd\x6e\x4d\x09\xe5\xa3\xb8\x8c\x08\x9a"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.1.2",
	    "\x15\xa1\xac\xe7\xee\x52\xfd\xdf\xef\x04\xf9\x28\xdb\x2d\xd1\x34"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.1.1",
	    "\xd3\xf1\xc4\x88\xc3\x68\x17\x5d\x5f\x40\xa8\xf5\xca\x5f\x5e\x12"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.1.0",
	    "\x47\x94\xce\xf6\x84\x34\x22\x98\x0d\x1a\x3d\x06\xaf\x41\xc5\xcd"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.0.7",
	    "\xab\x07\x46\x22\x1c\xc8\xfd\x0d\x52\x38\xf7\x3a\x9b\x3d\xa5\x57"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.0.6",
	    "\x4c\x90\x13\x69\x46\x57\x7b\x51\x91\x9d\x8d\x9a\x6b\x8e\x4a\x9f"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.0.5",
	    "\xdd\x18\x0d\x21\xe5\xce\x65\x5a\x76\x8b\xa3\x22\x11\xdd\x8a\xd9"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.0.4",
	    "\x1e\xf2\x83\xf8\x35\x49\xb5\xff\x96\x08\xb6\xd6\x34\xf8\x4d\x75"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.0.3",
	    "\xb1\x81\xb1\x8e\x11\x4f\xc2\x09\xb3\xc6\xe2\x6c\x3a\x80\x71\x8e"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.0.2",
	    "\x77\xe8\xee\xa6\xf5\x56\xa4\x99\xde\x3f\xfe\x7f\x7f\x95\x66\x1c"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.0.1",
	    "\x9d\xbb\xaf\xcf\x1d\xb0\xdd\x59\x5a\xe0\x65\x29\x40\x03\xad\x3e"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 4.0.0",
	    "\x2c\xe9\xc9\x46\xa4\xc8\x79\xbf\x11\xb5\x0b\x76\xcc\x56\x92\xcb"),
	/* ike-scan; MD5("strongSwan 2.8.9") recomputed */
	VID(EXACT, 0, "strongSwan 2.8.9",
	    "\x0e\x9e\x82\x05\x24\x93\x2d\xa1\x99\xa4\x98\x95\x3a\xfa\x8a\x7e"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.8.8",
	    "\x8c\x4a\x3b\xcb\x72\x9b\x11\xf7\x03\xd2\x2a\x5b\x39\x64\x0c\xa8"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.8.7",
	    "\x3a\x0d\x4e\x7c\xa4\xe4\x92\xed\x4d\xfe\x47\x6d\x1a\xc6\x01\x8b"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.8.6",
	    "\xfe\x3f\x49\x70\x6e\x26\xa9\xfb\x36\xa8\x7b\xfc\xe9\xea\x36\xce"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.8.5",
	    "\x4c\x7e\xfa\x31\xb3\x9e\x51\x04\x32\xa3\x17\x57\x0d\x97\xbb\xb9"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.8.4",
	    "\x76\xc7\x2b\xfd\x39\x84\x24\xdd\x00\x1b\x86\xd0\x01\x2f\xe0\x61"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.8.3",
	    "\xfb\x46\x41\xad\x0e\xeb\x2a\x34\x49\x1d\x15\xf4\xef\xf5\x10\x63"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.8.2",
	    "\x29\x99\x32\x27\x7b\x7d\xfe\x38\x2c\xe2\x34\x65\x33\x3a\x7d\x23"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.8.1",
	    "\xe3\x7f\x2d\x5b\xa8\x9a\x62\xcd\x20\x2e\xe2\x7d\xac\x06\xc8\xa8"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.8.0",
	    "\x32\xf0\xe9\xb9\xc0\x6d\xfe\x8c\x9a\xd5\x59\x9a\x63\x69\x71\xa1"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.7.3",
	    "\x7f\x50\xcc\x4e\xbf\x04\xc2\xd9\xda\x73\xab\xfd\x69\xb7\x7a\xa2"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.7.2",
	    "\xa1\x94\xe2\xaa\xdd\xd0\xba\xfb\x95\x25\x3d\xd9\x6d\xc7\x33\xeb"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.7.1",
	    "\x81\x34\x87\x85\x82\x12\x17\x85\xba\x65\xea\x34\x5d\x6b\xa7\x24"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.7.0",
	    "\x07\xfa\x12\x8e\x47\x54\xf9\x44\x7b\x1d\xd4\x63\x74\xee\xf3\x60"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.6.4",
	    "\xb9\x27\xf9\x52\x19\xa0\xfe\x36\x00\xdb\xa3\xc1\x18\x2a\xe5\x5f"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.6.3",
	    "\xb2\x86\x0e\x78\x37\xf7\x11\xbe\xf3\xd0\xee\xb1\x06\x87\x2d\xed"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.6.2",
	    "\x5b\x1c\xd6\xfe\x7d\x05\x0e\xda\x6c\x93\x87\x1c\x10\x7d\xb3\xd2"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.6.1",
	    "\x66\xaf\xbc\x12\xbb\xfe\x6c\xe1\x08\xb1\xf6\x9f\x4b\xc9\x17\xb7"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.6.0",
	    "\x3f\x32\x66\x49\x9f\xfd\xbd\x85\x95\x0e\x70\x22\x98\x06\x28\x44"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.5.7",
	    "\x1f\x44\x42\x29\x6b\x83\xd7\xe3\x3a\x8b\x45\x20\x9b\xa0\xe5\x90"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.5.6",
	    "\x3c\x5e\xba\x3d\x85\x64\x92\x8e\x32\xae\x43\xc3\xd9\x92\x4d\xee"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.5.5",
	    "\x3f\x26\x7e\xd6\x21\xad\xa7\xee\x6c\x7d\x88\x93\xcc\xb0\xb1\x4b"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.5.4",
	    "\x7a\x6b\xf5\xb7\xdf\x89\x64\x2a\x75\xa7\x8e\xf7\xd6\x57\xc1\xc0"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.5.3",
	    "\xdf\x5b\x1f\x0f\x1d\x56\x79\xd9\xf8\x51\x2b\x16\xc5\x5a\x60\x65"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.5.2",
	    "\x86\x1c\xe5\xeb\x72\x16\x4b\x19\x0e\x9e\x62\x9a\x31\xcf\x49\x01"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.5.1",
	    "\x9a\x4a\x46\x48\xf6\x0f\x8e\xda\x7c\xfc\xbf\xe2\x71\xee\x5b\x7d"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.5.0",
	    "\x9e\xb3\xd9\x07\xed\x7a\xda\x4e\x3c\xbc\xac\xb9\x17\xab\xc8\xe4"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.4.4",
	    "\x48\x5a\x70\x36\x1b\x44\x33\xb3\x1d\xea\x1c\x6b\xe0\xdf\x24\x3e"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.4.3",
	    "\x98\x2b\x7a\x06\x3a\x33\xc1\x43\xa8\xea\xdc\x88\x24\x9f\x6b\xcc"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.4.2",
	    "\xe7\xa3\xfd\x0c\x6d\x77\x1a\x8f\x1b\x8a\x86\xa4\x16\x9c\x9e\xa4"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.4.1",
	    "\x75\xb0\x65\x3c\xb2\x81\xeb\x26\xd3\x1e\xde\x38\xc8\xe1\xe2\x28"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.4.0",
	    "\xe8\x29\xc8\x81\x49\xba\xb3\xc0\xce\xe8\x5d\xa6\x0e\x18\xae\x9b"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.3.2",
	    "\x42\xa4\x83\x4c\x92\xab\x9a\x77\x77\x06\x3a\xfa\x25\x4b\xcb\x69"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.3.1",
	    "\xf6\x97\xc1\xaf\xcc\x2e\xc8\xdd\xcd\xf9\x9d\xc7\xaf\x03\xa6\x7f"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.3.0",
	    "\xb8\xf9\x2b\x2f\xa2\xd3\xfe\x5f\xe1\x58\x34\x4b\xda\x1c\xc6\xae"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.2.2",
	    "\x99\xdc\x7c\xc8\x23\x37\x6b\x3b\x33\xd0\x43\x57\x89\x6a\xe0\x7b"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.2.1",
	    "\xd9\x11\x8b\x1e\x9d\xe5\xef\xce\xd9\xcc\x9d\x88\x3f\x21\x68\xff"),
	/* libreswan MD5, ike-scan */
	VID(EXACT, 0, "strongSwan 2.2.0",
	    "\x85\xb6\xcb\xec\x48\x0d\x5c\x8c\xd9\x88\x2c\x82\x5a\xc2\xc2\x44"),
	/* libreswan (OE-Libreswan-<version>), pluto 'whack --status' output (pluto_vendorid=OE-Libreswan-x) */
	VID(PREFIX, 0, "Libreswan",
	    "\x4f\x45\x2d\x4c\x69\x62\x72\x65\x73\x77\x61\x6e\x2d"),
	/* libreswan (Openswan xeleranized, OSW prefix), ike-scan (Openswan, 12 bytes) */
	VID(PREFIX, 12, "Openswan",
	    "\x4f\x53\x57"),
	/* libreswan (OE + masked MD5, 12 bytes), ike-scan (FreeS/WAN or OpenSWAN, 12 bytes) */
	VID(PREFIX, 12, "FreeS/WAN, Openswan or Libreswan (OE hash)",
	    "\x4f\x45"),
};

#undef VID

const char *ikc_vendor_id_name(const uint8_t *vid, size_t len)
{
	const struct vid_entry *best = NULL;
	size_t i;

	if (vid == NULL || len == 0)
		return NULL;
	for (i = 0; i < sizeof vid_table / sizeof vid_table[0]; i++) {
		const struct vid_entry *e = &vid_table[i];

		if (e->len > len || memcmp(vid, e->bytes, e->len) != 0)
			continue;
		if (e->match == EXACT) {
			if (e->len == len)
				return e->name;
			continue;
		}
		if (e->total != 0 && e->total != len)
			continue;
		if (best == NULL || e->len > best->len)
			best = e;
	}
	return best ? best->name : NULL;
}
