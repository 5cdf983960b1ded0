/*
 * Online garbage collection against pushes: the hand-off between the API and the sweep.
 * Checked by Tests/RegistryTests/CollectionModelTests.swift with spin; with -DNO_CLAIM,
 * -DNO_RECHECK or -DPOSTPONE_IN_FLIGHT (each removing one safeguard) spin must find the lost
 * image, which shows the model can fail.
 *
 * One layer blob L and one manifest M (whose bytes are blob M) in one repository.
 * Every `atomic` block is one metadata transaction (SQLite serialises them); what lies
 * between them is storage work or network, where anything else may run.
 *
 * What each step stands for:
 *   upload       UploadService.finish: markUploadCommitting (the claim, refused while L is
 *                being deleted), the move of the bytes, commitBlob (row + link + link queued),
 *                then the session's deletion (claim released).
 *   push         ManifestService.put: bytes written unless present, putManifest (refused
 *                while M is being deleted; needs the link to L), bytes written back if they
 *                went meanwhile; then 201.
 *   deleteImage  the client's DELETE of the manifest (removeManifest queues link and bytes).
 *   reviewLink   collectLinks: a link no manifest references is removed.
 *   sweep(b)     beginBlobDeletions (mark: nothing links, is or references b, no upload
 *                claims it), then either the storage delete and finishBlobDeletions (row gone)
 *                — also what happens when the outcome was unknown: the lease stays until it
 *                expires and a collector deletes again — or a delete the backend refused,
 *                leaving the bytes, and postponeBlobDeletions (mark cleared).
 *   orphans      wharf gc orphans: M's file with no row is marked (a row under a lease, unless
 *                a row or a claim exists by then), deleted, finished.
 */

bool rowL, fileL, linkL, deletingL;
bool rowM, fileM, manifestM, deletingM;   /* manifestM: the manifest row (references L) */
byte claimL;                               /* uploads committing L */
bool acked, deleted;                       /* the push answered 201; the client deleted it since */

inline sweepL() {
  atomic { rowL && !deletingL && !linkL && !(manifestM) && claimL == 0 -> deletingL = true }
  if
  :: fileL = false; atomic { rowL = false; deletingL = false }
  :: atomic { deletingL = false }                 /* refused: bytes left, postponed */
#ifdef POSTPONE_IN_FLIGHT
  :: atomic { deletingL = false }; fileL = false  /* postponed while the delete still lands */
#endif
  fi
}

inline sweepM() {
  atomic { rowM && !deletingM && !manifestM -> deletingM = true }
  if
  :: fileM = false; atomic { rowM = false; deletingM = false }
  :: atomic { deletingM = false }
#ifdef POSTPONE_IN_FLIGHT
  :: atomic { deletingM = false }; fileM = false
#endif
  fi
}

proctype upload() {
  bool present;
#ifdef NO_CLAIM
  skip;
#else
  atomic { !deletingL -> claimL++ }
#endif
  present = rowL && !deletingL && fileL;
  if
  :: !present -> fileL = true           /* rename(2) of the verified upload into place */
  :: else -> skip
  fi;
  atomic { assert(!deletingL); rowL = true; linkL = true }
#ifndef NO_CLAIM
  claimL--
#endif
}

proctype push() {
retry:
  if
  :: !fileM -> fileM = true
  :: else -> skip
  fi;
  atomic {
    if
    :: !linkL -> goto done              /* MANIFEST_BLOB_UNKNOWN: the client uploads again */
    :: deletingM -> goto wait           /* blobBeingDeleted */
    :: else -> rowM = true; manifestM = true
    fi
  }
#ifndef NO_RECHECK
  if
  :: !fileM -> fileM = true
  :: else -> skip
  fi;
#endif
  acked = true;
  goto done;
wait:
  (!deletingM);
  goto retry;
done:
  skip
}

proctype deleteImage() {
  atomic { acked && manifestM -> manifestM = false; deleted = true }
}

proctype reviewLink() {
  atomic { linkL && !manifestM -> linkL = false }
}

proctype orphans() {
  atomic { !rowM -> rowM = true; deletingM = true }
  fileM = false;
  atomic { rowM = false; deletingM = false }
}

proctype sweeper() {
  do
  :: sweepL()
  :: sweepM()
  :: break
  od
}

init {
  /* An earlier copy of the image was pushed and deleted: its bytes await the sweep. */
  rowL = true; fileL = true; rowM = true; fileM = true;
  atomic {
    run upload(); run push(); run sweeper(); run sweeper(); run reviewLink(); run deleteImage(); run orphans()
  }
}

/* An image the client was told is stored, and has not deleted, has its bytes and its layer's. */
ltl stored { [] ((acked && !deleted) -> (fileM && fileL && rowL && rowM)) }
