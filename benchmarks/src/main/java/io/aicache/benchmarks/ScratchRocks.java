package io.aicache.benchmarks;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.concurrent.*;
import org.openjdk.jmh.annotations.*;
import org.rocksdb.*;

@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ScratchRocks {
    @Param({"false","true"}) public boolean flush;
    @Param({"false","true"}) public boolean pointLookup;
    RocksDB db; ColumnFamilyHandle cf; byte[][] keys; ReadOptions ro; List<ColumnFamilyHandle> handles = new ArrayList<>();
    ByteBuffer k = ByteBuffer.allocateDirect(64), v = ByteBuffer.allocateDirect(256); byte[] vb = new byte[256];
    @Setup public void setup() throws Exception {
        RocksDB.loadLibrary();
        Path dir = Files.createTempDirectory("scr");
        LRUCache cache = new LRUCache(64<<20);
        ColumnFamilyOptions co = new ColumnFamilyOptions();
        BlockBasedTableConfig t = new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(new BloomFilter(10)).setCacheIndexAndFilterBlocks(true).setPinL0FilterAndIndexBlocksInCache(true);
        if (pointLookup) { t.setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash).setBlockSize(4096); co.setMemtablePrefixBloomSizeRatio(0.02).setMemtableWholeKeyFiltering(true); }
        co.setTableFormatConfig(t).setCompressionType(CompressionType.LZ4_COMPRESSION);
        DBOptions dbo = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        db = RocksDB.open(dbo, dir.toString(), List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, co), new ColumnFamilyDescriptor("b".getBytes(), co)), handles);
        cf = handles.get(1);
        keys = new byte[100000][];
        for (int i = 0; i < keys.length; i++) { keys[i] = new byte[33]; ThreadLocalRandom.current().nextBytes(keys[i]); db.put(cf, keys[i], new byte[1+8+8+2+24]); }
        if (flush) { db.flush(new FlushOptions().setWaitForFlush(true), cf); db.compactRange(cf); }
        ro = new ReadOptions().setVerifyChecksums(false);
    }
    @Benchmark public Object byteArray() throws Exception { return db.get(cf, keys[ThreadLocalRandom.current().nextInt(keys.length)]); }
    @Benchmark public int intoArray() throws Exception { return db.get(cf, ro, keys[ThreadLocalRandom.current().nextInt(keys.length)], vb); }
    @Benchmark public int direct() throws Exception { k.clear(); k.put(keys[ThreadLocalRandom.current().nextInt(keys.length)]).flip(); v.clear(); return db.get(cf, ro, k, v); }
}
