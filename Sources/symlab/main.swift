import SymLabCLI
import SymLabNumerics

BLASWorkers.restartWithQuietWorkersIfNeeded()
Allocation.keepLargeBlocksOnHeap()
SymLab.mainEscapingMessages()
