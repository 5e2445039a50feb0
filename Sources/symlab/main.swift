import SymLabCLI
import SymLabNumerics

Allocation.keepLargeBlocksOnHeap()
SymLab.main()
