# Sourced by benches/peers.sh and benches/fuse.sh: the command line with
# which each peer prints the total of a directory counted as `cdu -s` counts
# it (disk usage, each hard-linked inode once). DIR is used as given, so
# quote it for the shell first (printf %q).
#
#   peer_total_command TOOL DIR   # prints the command; fails for an unknown TOOL
peer_total_command() {
    case $1 in
    du) echo "du -s $2" ;;
    diskus) echo "diskus $2" ;;
    pdu) echo "pdu -H --max-depth=1 $2" ;;
    dust) echo "dust -d 0 -c -P $2" ;;
    dua) echo "dua aggregate $2" ;;
    gdu) echo "gdu -n -s -p $2" ;;
    *) return 1 ;;
    esac
}
