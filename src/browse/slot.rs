//! One node of the browser's arena packed into 28 bytes: at a million
//! entries each byte is a megabyte. Two sizes of 45 bits, the kind and the
//! flags share three words; the links, the item count and the time take
//! one word each.

/// Bits of each size kept in a slot. 2^45 bytes is 32 TiB: more than any
/// file and all but the biggest directories, which keep their sizes in
/// the tree's overflow table instead.
pub const SIZE_BITS: u32 = 45;
/// The value that says "the size is in the overflow table".
pub const SIZE_FAR: u64 = (1 << SIZE_BITS) - 1;

/// One entry in the arena, 28 bytes: at a million entries each byte is a
/// megabyte. `packed` holds the disk usage (bits 0-44), the apparent size
/// (45-89), the kind (90-92) and the flags (93-95).
#[derive(Clone, Copy, Debug)]
pub struct Slot {
    pub first_child: u32,
    pub next_sibling: u32,
    pub items: u32,
    pub mtime: u32,
    pub packed: [u32; 3],
}

impl Slot {
    fn bits(&self) -> u128 {
        u128::from(self.packed[0])
            | u128::from(self.packed[1]) << 32
            | u128::from(self.packed[2]) << 64
    }

    fn set_bits(&mut self, bits: u128) {
        self.packed = [bits as u32, (bits >> 32) as u32, (bits >> 64) as u32];
    }

    pub fn field(&self, shift: u32, width: u32) -> u64 {
        ((self.bits() >> shift) & ((1u128 << width) - 1)) as u64
    }

    pub fn set_field(&mut self, shift: u32, width: u32, value: u64) {
        let mask = ((1u128 << width) - 1) << shift;
        let bits = (self.bits() & !mask) | (u128::from(value) << shift & mask);
        self.set_bits(bits);
    }
}

pub const DISK_AT: u32 = 0;
pub const APPARENT_AT: u32 = SIZE_BITS;
pub const KIND_AT: u32 = 2 * SIZE_BITS;
pub const FLAGS_AT: u32 = KIND_AT + 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_takes_twenty_eight_bytes() {
        assert_eq!(std::mem::size_of::<Slot>(), 28);
    }

    #[test]
    fn each_field_keeps_its_neighbours() {
        let mut slot = Slot {
            first_child: 0,
            next_sibling: 0,
            items: 0,
            mtime: 0,
            packed: [0; 3],
        };
        slot.set_field(DISK_AT, SIZE_BITS, SIZE_FAR - 1);
        slot.set_field(APPARENT_AT, SIZE_BITS, 12345);
        slot.set_field(KIND_AT, 3, 5);
        slot.set_field(FLAGS_AT, 3, 7);
        slot.set_field(APPARENT_AT, SIZE_BITS, SIZE_FAR);
        assert_eq!(slot.field(DISK_AT, SIZE_BITS), SIZE_FAR - 1);
        assert_eq!(slot.field(APPARENT_AT, SIZE_BITS), SIZE_FAR);
        assert_eq!(slot.field(KIND_AT, 3), 5);
        assert_eq!(slot.field(FLAGS_AT, 3), 7);
    }
}
