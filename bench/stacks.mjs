// The L1 stack catalogue of the generated benchmark files: a few hundred distinct root → leaf
// stacks (Java frames dotted, JIT leaves `_[j]`, native frames bare, kernel frames `_[k]`),
// grouped into pools per thread kind, plus the stacks planted in spike windows. Deterministic: no
// randomness here, variety comes from truncating call chains at every depth.

const k = (...names) => names.map((name) => `${name}_[k]`)
const SYSCALL_ENTRY = k('entry_SYSCALL_64_after_hwframe', 'do_syscall_64')
const FUTEX = [
  ...SYSCALL_ENTRY,
  ...k('__x64_sys_futex', 'do_futex', 'futex_wait', 'futex_wait_queue', 'schedule')
]
const PARK = [
  'java.util.concurrent.locks.LockSupport.park',
  'jdk.internal.misc.Unsafe.park',
  'Unsafe_Park',
  'Parker::park',
  '__pthread_cond_wait',
  ...FUTEX
]
const PARK_NANOS = [
  'java.util.concurrent.locks.LockSupport.parkNanos',
  'jdk.internal.misc.Unsafe.park',
  'Unsafe_Park',
  'Parker::park',
  '__pthread_cond_timedwait',
  ...FUTEX
]
const PREAD = [
  '__libc_pread64',
  ...SYSCALL_ENTRY,
  ...k('__x64_sys_pread64', 'vfs_read', 'ext4_file_read_iter', 'filemap_read', 'filemap_get_pages')
]
const PWRITE = [
  '__libc_pwrite64',
  ...SYSCALL_ENTRY,
  ...k('__x64_sys_pwrite64', 'vfs_write', 'ext4_buffered_write_iter', 'generic_perform_write')
]
const FSYNC = [
  'fsync',
  ...SYSCALL_ENTRY,
  ...k(
    '__x64_sys_fsync',
    'do_fsync',
    'ext4_sync_file',
    'file_write_and_wait_range',
    'jbd2_complete_transaction',
    'jbd2_log_wait_commit',
    'schedule'
  )
]
const READ = [
  'read',
  ...SYSCALL_ENTRY,
  ...k('ksys_read', 'vfs_read', 'ext4_file_read_iter', 'filemap_read')
]
const WRITE = [
  'write',
  ...SYSCALL_ENTRY,
  ...k('ksys_write', 'vfs_write', 'ext4_buffered_write_iter', 'generic_perform_write')
]
const SOCK_WRITE = [
  'write',
  ...SYSCALL_ENTRY,
  ...k('ksys_write', 'sock_write_iter', 'tcp_sendmsg', 'tcp_sendmsg_locked', 'tcp_push')
]
const RECV = [
  'recvfrom',
  ...SYSCALL_ENTRY,
  ...k('__x64_sys_recvfrom', '__sys_recvfrom', 'tcp_recvmsg', 'sk_wait_data', 'schedule_timeout')
]
const EPOLL = [
  'epoll_wait',
  ...SYSCALL_ENTRY,
  ...k('__x64_sys_epoll_wait', 'do_epoll_wait', 'ep_poll', 'schedule_hrtimeout_range')
]

/**
 * Every prefix of `chain` that is at least `min` frames long, appended to `base`; the full chain
 * first (most samples land in the leaf-most frame, so weighted pools favour it).
 */
function depths(base, chain, min = 1) {
  const out = []
  for (let n = chain.length; n >= Math.min(min, chain.length); n--)
    out.push([...base, ...chain.slice(0, n)])
  return out
}
/** The same, with the leaf also as a JIT-compiled frame when it is a Java frame. */
function depthsJit(base, chain, min = 1) {
  const out = []
  for (const stack of depths(base, chain, min)) {
    out.push(stack)
    const leaf = stack[stack.length - 1]
    if (/^[a-z][\w$]*(\.[\w$<>]+)+$/.test(leaf) && /^[a-z]/.test(leaf)) {
      out.push([...stack.slice(0, -1), `${leaf}_[j]`])
    }
  }
  return out
}

const JAVA_THREAD_ENTRY = [
  'start_thread',
  'thread_native_entry',
  'Thread::call_run',
  'JavaThread::thread_main_inner',
  'thread_entry',
  'JavaCalls::call_virtual',
  'JavaCalls::call_helper',
  'call_stub',
  'java.lang.Thread.runWith'
]
const SERVER_ROOT = [
  'java.lang.Thread.run',
  'net.minecraft.server.MinecraftServer.lambda$spin$0',
  'net.minecraft.server.MinecraftServer.runServer'
]
const TICK = [
  ...SERVER_ROOT,
  'net.minecraft.server.MinecraftServer.tickServer',
  'net.minecraft.server.dedicated.DedicatedServer.tickChildren',
  'net.minecraft.server.MinecraftServer.tickChildren'
]
const LEVEL = [...TICK, 'net.minecraft.server.level.ServerLevel.tick']
const ENTITY = [
  ...LEVEL,
  'net.minecraft.world.level.entity.EntityTickList.forEach',
  'net.minecraft.server.level.ServerLevel.lambda$tick$2',
  'net.minecraft.world.level.Level.guardEntityTick',
  'net.minecraft.server.level.ServerLevel.tickNonPassenger'
]
const ENTITY_CHAINS = [
  [
    'net.minecraft.world.entity.Mob.tick',
    'net.minecraft.world.entity.LivingEntity.tick',
    'net.minecraft.world.entity.LivingEntity.aiStep',
    'net.minecraft.world.entity.Mob.serverAiStep',
    'net.minecraft.world.entity.ai.goal.GoalSelector.tick',
    'net.minecraft.world.entity.ai.goal.GoalSelector.tickRunningGoals',
    'net.minecraft.world.entity.ai.goal.LookAtPlayerGoal.tick'
  ],
  [
    'net.minecraft.world.entity.Mob.tick',
    'net.minecraft.world.entity.LivingEntity.tick',
    'net.minecraft.world.entity.LivingEntity.aiStep',
    'net.minecraft.world.entity.Mob.serverAiStep',
    'net.minecraft.world.entity.ai.navigation.PathNavigation.tick',
    'net.minecraft.world.entity.ai.navigation.PathNavigation.followThePath',
    'net.minecraft.world.level.pathfinder.PathFinder.findPath',
    'net.minecraft.world.level.pathfinder.WalkNodeEvaluator.getNeighbors',
    'net.minecraft.world.level.pathfinder.WalkNodeEvaluator.getPathTypeStatic'
  ],
  [
    'net.minecraft.world.entity.npc.Villager.customServerAiStep',
    'net.minecraft.world.entity.ai.Brain.tick',
    'net.minecraft.world.entity.ai.Brain.tickSensors',
    'net.minecraft.world.entity.ai.sensing.NearestLivingEntitySensor.doTick',
    'net.minecraft.world.level.entity.EntitySectionStorage.getEntities',
    'it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap.get'
  ],
  [
    'net.minecraft.world.entity.item.ItemEntity.tick',
    'net.minecraft.world.entity.item.ItemEntity.mergeWithNeighbours',
    'net.minecraft.world.level.Level.getEntitiesOfClass',
    'net.minecraft.world.level.entity.LevelEntityGetterAdapter.get'
  ],
  [
    'net.minecraft.world.entity.LivingEntity.pushEntities',
    'net.minecraft.world.level.Level.getEntities',
    'net.minecraft.world.level.entity.EntitySectionStorage.forEachAccessibleNonEmptySection',
    'net.minecraft.world.phys.AABB.intersects'
  ],
  [
    'net.minecraft.world.entity.Entity.move',
    'net.minecraft.world.entity.Entity.collide',
    'net.minecraft.world.level.CollisionGetter.getBlockCollisions',
    'net.minecraft.world.level.BlockCollisions.computeNext',
    'net.minecraft.world.phys.shapes.Shapes.joinIsNotEmpty'
  ]
]
const CHUNK = [
  ...LEVEL,
  'net.minecraft.server.level.ServerChunkCache.tick',
  'net.minecraft.server.level.ServerChunkCache.tickChunks'
]
const CHUNK_CHAINS = [
  [
    'net.minecraft.server.level.ServerLevel.tickChunk',
    'net.minecraft.world.level.block.state.BlockBehaviour$BlockStateBase.randomTick',
    'net.minecraft.world.level.block.CropBlock.randomTick',
    'net.minecraft.server.level.ServerLevel.setBlock',
    'net.minecraft.world.level.chunk.LevelChunk.setBlockState'
  ],
  [
    'net.minecraft.world.level.NaturalSpawner.spawnForChunk',
    'net.minecraft.world.level.NaturalSpawner.spawnCategoryForChunk',
    'net.minecraft.world.level.NaturalSpawner.spawnCategoryForPosition',
    'net.minecraft.world.level.NaturalSpawner.isValidSpawnPostitionForType',
    'net.minecraft.world.level.biome.MobSpawnSettings.getMobs'
  ],
  [
    'net.minecraft.server.level.ChunkMap.tick',
    'ca.spottedleaf.moonrise.patches.chunk_system.scheduling.ChunkHolderManager.processTicketUpdates',
    'ca.spottedleaf.moonrise.patches.chunk_system.scheduling.ChunkHolderManager.processUnloads',
    'ca.spottedleaf.moonrise.patches.chunk_system.scheduling.NewChunkHolder.unloadStage1'
  ]
]
const BLOCK_ENTITY = [
  ...LEVEL,
  'net.minecraft.world.level.Level.tickBlockEntities',
  'net.minecraft.world.level.chunk.LevelChunk$BoundTickingBlockEntity.tick'
]
const BLOCK_ENTITY_CHAINS = [
  [
    'net.minecraft.world.level.block.entity.HopperBlockEntity.pushItemsTick',
    'net.minecraft.world.level.block.entity.HopperBlockEntity.tryMoveItems',
    'net.minecraft.world.level.block.entity.HopperBlockEntity.suckInItems',
    'net.minecraft.world.level.block.entity.HopperBlockEntity.getItemsAtAndAbove',
    'net.minecraft.world.level.Level.getEntities'
  ],
  [
    'net.minecraft.world.level.block.entity.AbstractFurnaceBlockEntity.serverTick',
    'net.minecraft.world.item.crafting.RecipeManager.getRecipeFor',
    'net.minecraft.world.item.crafting.RecipeManager.byType'
  ],
  [
    'net.minecraft.world.level.block.entity.BeaconBlockEntity.tick',
    'net.minecraft.world.level.block.entity.BeaconBlockEntity.applyEffects',
    'net.minecraft.world.level.Level.getEntitiesOfClass'
  ]
]
const NETWORK = [
  ...TICK,
  'net.minecraft.server.network.ServerConnectionListener.tick',
  'net.minecraft.network.Connection.tick'
]
const NETWORK_CHAINS = [
  [
    'net.minecraft.server.network.ServerGamePacketListenerImpl.tick',
    'net.minecraft.server.level.ServerPlayer.doTick',
    'net.minecraft.server.level.ServerPlayer.trackStartFallingPosition'
  ],
  [
    'net.minecraft.server.network.ServerGamePacketListenerImpl.tick',
    'net.minecraft.server.network.ServerCommonPacketListenerImpl.keepConnectionAlive',
    'net.minecraft.network.Connection.send',
    'io.netty.channel.AbstractChannel.writeAndFlush'
  ]
]
const TASKS = [
  ...TICK,
  'net.minecraft.server.MinecraftServer.runAllTasks',
  'net.minecraft.util.thread.BlockableEventLoop.pollTask',
  'net.minecraft.util.thread.BlockableEventLoop.doRunTask',
  'net.minecraft.network.protocol.PacketUtils.lambda$ensureRunningOnSameThread$0'
]
const EVENT = [
  'org.bukkit.plugin.SimplePluginManager.callEvent',
  'io.papermc.paper.plugin.manager.PaperPluginManagerImpl.callEvent',
  'io.papermc.paper.plugin.manager.PaperEventManager.callEvent',
  'org.bukkit.plugin.RegisteredListener.callEvent',
  'co.aikar.timings.TimedEventExecutor.execute',
  'com.destroystokyo.paper.event.executor.asm.generated.GeneratedEventExecutor42.execute'
]
const MOVE_EVENT = [
  ...TASKS,
  'net.minecraft.server.network.ServerGamePacketListenerImpl.handleMovePlayer',
  ...EVENT
]
const BREAK_EVENT = [
  ...TASKS,
  'net.minecraft.server.network.ServerGamePacketListenerImpl.handlePlayerAction',
  'net.minecraft.server.level.ServerPlayerGameMode.handleBlockBreakAction',
  'net.minecraft.server.level.ServerPlayerGameMode.destroyBlock',
  ...EVENT
]
const QUIT_EVENT = [
  ...TASKS,
  'net.minecraft.server.network.ServerGamePacketListenerImpl.onDisconnect',
  'net.minecraft.server.players.PlayerList.remove',
  ...EVENT
]
const COMMAND = [
  ...TASKS,
  'net.minecraft.server.network.ServerGamePacketListenerImpl.handleChatCommand',
  'net.minecraft.commands.Commands.performCommand',
  'org.bukkit.craftbukkit.command.BukkitCommandWrapper.run',
  'org.bukkit.command.SimpleCommandMap.dispatch',
  'org.bukkit.command.PluginCommand.execute',
  'com.sk89q.worldedit.bukkit.WorldEditPlugin.onCommand',
  'com.sk89q.worldedit.extension.platform.PlatformCommandManager.handleCommandOnCurrentThread',
  'com.sk89q.worldedit.command.SchematicCommands.load'
]
const HEARTBEAT = [
  ...TICK,
  'org.bukkit.craftbukkit.scheduler.CraftScheduler.mainThreadHeartbeat',
  'org.bukkit.craftbukkit.scheduler.CraftTask.run'
]
const PLUGIN_MOVE_CHAINS = [
  [
    'com.sk89q.worldguard.bukkit.listener.WorldGuardPlayerListener.onPlayerMove',
    'com.sk89q.worldguard.session.SessionManager.get',
    'com.sk89q.worldguard.session.Session.testMoveTo',
    'com.sk89q.worldguard.protection.regions.RegionQuery.getApplicableRegions',
    'com.sk89q.worldguard.protection.managers.index.ChunkHashTable.applyContaining',
    'com.google.common.collect.Iterators.filter'
  ],
  [
    'com.earth2me.essentials.EssentialsPlayerListener.onPlayerMove',
    'com.earth2me.essentials.Essentials.getUser',
    'com.earth2me.essentials.userstorage.ModernUserMap.getUser',
    'com.google.common.cache.LocalCache.get'
  ],
  [
    'com.Zrips.CMI.Modules.Portals.PortalListener.onPlayerMove',
    'com.Zrips.CMI.Modules.Portals.PortalManager.getByLoc',
    'com.Zrips.CMI.Containers.CMILocation.distance'
  ],
  [
    'me.lucko.luckperms.bukkit.inject.permissible.LuckPermsPermissible.hasPermission',
    'me.lucko.luckperms.common.cacheddata.type.PermissionCache.checkPermission',
    'me.lucko.luckperms.common.calculator.PermissionCalculator.checkPermission',
    'me.lucko.luckperms.common.calculator.processor.DirectProcessor.hasPermission'
  ]
]
const PLUGIN_BREAK_CHAINS = [
  [
    'net.coreprotect.listener.block.BlockBreakListener.onBlockBreak',
    'net.coreprotect.listener.block.BlockBreakListener.processBlockBreak',
    'net.coreprotect.consumer.Queue.queueBlockBreak',
    'net.coreprotect.consumer.Queue.queueStandardData',
    'java.util.concurrent.ConcurrentHashMap.put'
  ],
  [
    'com.leonardobishop.quests.bukkit.tasktype.type.MiningTaskType.onBlockBreak',
    'com.leonardobishop.quests.common.player.QPlayer.getQuestProgressFile',
    'com.leonardobishop.quests.common.player.questprogressfile.QuestProgressFile.getQuestProgress'
  ],
  [
    'com.gamingmesh.jobs.listeners.JobsPaymentListener.onBlockBreak',
    'com.gamingmesh.jobs.Jobs.action',
    'com.gamingmesh.jobs.container.JobsPlayer.getJobProgression'
  ],
  [
    'com.sk89q.worldguard.bukkit.listener.EventAbstractionListener.onBlockBreak',
    'com.sk89q.worldguard.bukkit.listener.RegionProtectionListener.onBreakBlock',
    'com.sk89q.worldguard.protection.regions.RegionQuery.testBuild'
  ]
]
const PLUGIN_TASK_CHAINS = [
  [
    'org.dynmap.bukkit.DynmapPlugin$BukkitServer$1.run',
    'org.dynmap.MapManager$FullWorldRenderState.run',
    'org.dynmap.bukkit.helper.BukkitWorld.getChunkAt'
  ],
  [
    'com.Zrips.CMI.Modules.Holograms.HologramManager$1.run',
    'com.Zrips.CMI.Modules.Holograms.CMIHologram.update',
    'net.kyori.adventure.text.serializer.legacy.LegacyComponentSerializerImpl.deserialize'
  ]
]
const SERVER_IDLE = [
  ...SERVER_ROOT,
  'net.minecraft.server.MinecraftServer.waitUntilNextTick',
  'net.minecraft.util.thread.BlockableEventLoop.managedBlock',
  'net.minecraft.server.MinecraftServer.pollTask'
]

const IO_ROOT = [
  'java.lang.Thread.run',
  'ca.spottedleaf.concurrentutil.executor.thread.PrioritisedThreadPool$ExecutorGroup$ThreadPoolExecutor.run'
]
const IO_TASK = [
  ...IO_ROOT,
  'ca.spottedleaf.concurrentutil.executor.queue.PrioritisedTaskQueue$PrioritisedQueuedTask.execute',
  'ca.spottedleaf.moonrise.patches.chunk_system.io.MoonriseRegionFileIO$ChunkDataController$ChunkDataTask.run'
]
const IO_CHAINS = [
  [
    'net.minecraft.world.level.chunk.storage.RegionFile.getChunkDataInputStream',
    'net.minecraft.world.level.chunk.storage.RegionFile.createChunkInputStream',
    'java.util.zip.InflaterInputStream.read',
    'java.util.zip.Inflater.inflateBytesBytes',
    'inflate',
    'inflate_fast'
  ],
  [
    'net.minecraft.world.level.chunk.storage.RegionFile.getChunkDataInputStream',
    'sun.nio.ch.FileChannelImpl.read',
    'sun.nio.ch.IOUtil.read',
    'sun.nio.ch.FileDispatcherImpl.pread0',
    ...PREAD
  ],
  [
    'net.minecraft.world.level.chunk.storage.RegionFile$ChunkBuffer.close',
    'net.minecraft.world.level.chunk.storage.RegionFile.write',
    'sun.nio.ch.FileChannelImpl.write',
    'sun.nio.ch.IOUtil.write',
    'sun.nio.ch.FileDispatcherImpl.pwrite0',
    ...PWRITE
  ],
  [
    'net.minecraft.world.level.chunk.storage.RegionFileVersion.wrap',
    'java.util.zip.DeflaterOutputStream.deflate',
    'java.util.zip.Deflater.deflateBytesBytes',
    'deflate',
    'deflate_slow',
    'longest_match'
  ]
]
const NETTY_ROOT = [
  'java.lang.Thread.run',
  'io.netty.util.concurrent.FastThreadLocalRunnable.run',
  'io.netty.util.internal.ThreadExecutorMap$2.run',
  'io.netty.util.concurrent.SingleThreadEventExecutor$4.run',
  'io.netty.channel.epoll.EpollEventLoop.run'
]
const NETTY_CHAINS = [
  [
    'io.netty.channel.epoll.EpollEventLoop.epollWait',
    'io.netty.channel.epoll.Native.epollWait',
    'io.netty.channel.epoll.Native.epollWait0',
    ...EPOLL
  ],
  [
    'io.netty.channel.epoll.EpollEventLoop.processReady',
    'io.netty.channel.epoll.AbstractEpollStreamChannel$EpollStreamUnsafe.epollInReady',
    'io.netty.channel.DefaultChannelPipeline.fireChannelRead',
    'io.netty.handler.codec.ByteToMessageDecoder.channelRead',
    'net.minecraft.network.Varint21FrameDecoder.decode',
    'net.minecraft.network.PacketDecoder.decode'
  ],
  [
    'io.netty.util.concurrent.SingleThreadEventExecutor.runAllTasks',
    'io.netty.channel.AbstractChannelHandlerContext.invokeFlush',
    'io.netty.channel.epoll.AbstractEpollStreamChannel.doWrite',
    'io.netty.channel.epoll.LinuxSocket.writeAddress',
    'io.netty.channel.unix.FileDescriptor.writeAddress0',
    ...SOCK_WRITE
  ],
  [
    'io.netty.util.concurrent.SingleThreadEventExecutor.runAllTasks',
    'io.netty.channel.AbstractChannelHandlerContext.invokeWrite',
    'net.minecraft.network.CompressionEncoder.encode',
    'java.util.zip.Deflater.deflate',
    'deflate',
    'deflate_fast'
  ]
]
const CRAFT_ROOT = [
  'java.lang.Thread.run',
  'java.util.concurrent.ThreadPoolExecutor$Worker.run',
  'java.util.concurrent.ThreadPoolExecutor.runWorker'
]
const CRAFT_TASK = [
  ...CRAFT_ROOT,
  'org.bukkit.craftbukkit.scheduler.CraftAsyncTask.run',
  'org.bukkit.craftbukkit.scheduler.CraftTask.run'
]
const CRAFT_CHAINS = [
  [
    'net.coreprotect.consumer.Consumer.run',
    'net.coreprotect.consumer.process.Process.processConsumer',
    'net.coreprotect.database.statement.BlockStatement.insert',
    'org.sqlite.jdbc3.JDBC3PreparedStatement.executeUpdate',
    'org.sqlite.core.NativeDB.step',
    'sqlite3_step',
    'sqlite3VdbeExec',
    ...PWRITE
  ],
  [
    'me.lucko.luckperms.common.tasks.SyncTask.run',
    'me.lucko.luckperms.common.storage.implementation.sql.SqlStorage.loadUser',
    'com.zaxxer.hikari.pool.HikariProxyPreparedStatement.executeQuery',
    'com.mysql.cj.jdbc.ClientPreparedStatement.executeQuery',
    'com.mysql.cj.protocol.a.NativeProtocol.readMessage',
    'sun.nio.ch.NioSocketImpl.read',
    ...RECV
  ],
  [
    'org.dynmap.MapManager$FullWorldRenderState.run',
    'org.dynmap.hdmap.HDMapManager.render',
    'org.dynmap.hdmap.IsoHDPerspective.render',
    'org.dynmap.utils.ImageIOManager.imageIOEncode',
    'javax.imageio.ImageIO.write',
    'com.sun.imageio.plugins.png.PNGImageWriter.write'
  ],
  [
    'com.earth2me.essentials.Backup.run',
    'com.earth2me.essentials.userstorage.ModernUserMap.saveAll',
    'org.spongepowered.configurate.yaml.YamlConfigurationLoader.saveInternal'
  ],
  [
    'org.bstats.bukkit.Metrics$MetricsBase.submitData',
    'org.bstats.bukkit.Metrics$MetricsBase.sendData',
    'sun.net.www.protocol.https.HttpsURLConnectionImpl.getOutputStream'
  ]
]
const CRAFT_IDLE = [
  ...CRAFT_ROOT,
  'java.util.concurrent.ThreadPoolExecutor.getTask',
  'java.util.concurrent.SynchronousQueue.poll',
  'java.util.concurrent.SynchronousQueue$TransferStack.transfer'
]
const LOG_ROOT = [
  'java.lang.Thread.run',
  'org.apache.logging.log4j.core.appender.AsyncAppenderEventDispatcher.run',
  'org.apache.logging.log4j.core.appender.AsyncAppenderEventDispatcher.dispatchAll'
]
const LOG_CHAINS = [
  [
    'org.apache.logging.log4j.core.config.AppenderControl.callAppender',
    'org.apache.logging.log4j.core.appender.RollingRandomAccessFileAppender.append',
    'org.apache.logging.log4j.core.appender.rolling.RollingRandomAccessFileManager.flush',
    'java.io.RandomAccessFile.writeBytes',
    'writeBytes',
    ...WRITE
  ],
  [
    'org.apache.logging.log4j.core.config.AppenderControl.callAppender',
    'org.apache.logging.log4j.core.layout.PatternLayout.toSerializable',
    'org.apache.logging.log4j.core.pattern.MessagePatternConverter.format',
    'java.lang.StringBuilder.append'
  ]
]
const LOG_IDLE = [
  ...LOG_ROOT,
  'java.util.concurrent.ArrayBlockingQueue.take',
  'java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject.await'
]
const GC_ROOT = ['thread_native_entry', 'Thread::call_run', 'WorkerThread::run']
const GC_IDLE = [
  ...GC_ROOT,
  'WorkerTaskDispatcher::worker_run_task',
  'Semaphore::wait',
  'sem_wait',
  ...FUTEX
]
const GC_CHAINS = [
  [
    'G1EvacuateRegionsTask::work',
    'G1EvacuateRegionsBaseTask::evacuate_live_objects',
    'G1ParEvacuateFollowersClosure::do_void',
    'G1ParScanThreadState::steal_and_trim_queue',
    'G1ParScanThreadState::do_copy_to_survivor_space',
    'Copy::pd_disjoint_words'
  ],
  [
    'G1EvacuateRegionsTask::work',
    'G1EvacuateRegionsTask::scan_roots',
    'G1RemSet::scan_heap_roots',
    'G1ScanHRForRegionClosure::scan_heap_roots',
    'G1ScanCardClosure::do_oop_work'
  ],
  [
    'G1PostEvacuateCollectionSetCleanupTask2::FreeCollectionSetTask::do_work',
    'G1CollectedHeap::free_region',
    'HeapRegion::hr_clear',
    'os::pretouch_memory',
    'madvise',
    ...SYSCALL_ENTRY,
    ...k('__x64_sys_madvise', 'do_madvise', 'zap_page_range_single')
  ]
]
const G1_ROOT = [
  'thread_native_entry',
  'Thread::call_run',
  'ConcurrentGCThread::run',
  'G1ConcurrentMarkThread::run_service'
]
const G1_CHAINS = [
  [
    'G1ConcurrentMarkThread::concurrent_mark_cycle_do',
    'G1ConcurrentMark::mark_from_roots',
    'G1CMConcurrentMarkingTask::work',
    'G1CMTask::do_marking_step',
    'G1CMBitMap::iterate',
    'G1CMTask::make_reference_grey'
  ],
  [
    'G1ConcurrentMarkThread::concurrent_mark_cycle_do',
    'G1ConcurrentMark::scan_root_regions',
    'G1RootRegionScanClosure::do_oop'
  ]
]
const G1_IDLE = [
  ...G1_ROOT,
  'G1ConcurrentMarkThread::wait_for_next_cycle',
  'Monitor::wait',
  'PlatformMonitor::wait',
  '__pthread_cond_wait',
  ...FUTEX
]

// Planted in spike windows.
const SAVE_WAIT = [
  ...SERVER_ROOT,
  'net.minecraft.server.MinecraftServer.tickServer',
  'net.minecraft.server.MinecraftServer.saveEverything',
  'net.minecraft.server.MinecraftServer.saveAllChunks',
  'net.minecraft.server.level.ServerChunkCache.save',
  'net.minecraft.server.level.ChunkMap.saveAllChunks',
  'ca.spottedleaf.moonrise.patches.chunk_system.io.MoonriseRegionFileIO.flush',
  'java.util.concurrent.CompletableFuture.join',
  'java.util.concurrent.CompletableFuture.waitingGet',
  'java.util.concurrent.ForkJoinPool.managedBlock',
  'java.util.concurrent.CompletableFuture$Signaller.block'
]
const IO_FSYNC = [
  ...IO_TASK,
  'net.minecraft.world.level.chunk.storage.RegionFileStorage.flush',
  'net.minecraft.world.level.chunk.storage.RegionFile.flush',
  'sun.nio.ch.FileChannelImpl.force',
  'sun.nio.ch.FileDispatcherImpl.force0'
]
const COREPROTECT_LOOKUP = [
  'com.leonardobishop.quests.bukkit.tasktype.type.MiningTaskType.onBlockBreak',
  'com.leonardobishop.quests.bukkit.hook.coreprotect.CoreProtectHook.checkBlock',
  'net.coreprotect.api.CoreProtectAPI.blockLookup',
  'net.coreprotect.database.lookup.BlockLookup.performLookup',
  'org.sqlite.jdbc3.JDBC3Statement.executeQuery',
  'org.sqlite.core.NativeDB.step',
  'sqlite3_step',
  'sqlite3VdbeExec',
  'sqlite3BtreeMovetoUnpacked',
  'readDbPage',
  'unixRead',
  ...PREAD
]
const WORLDEDIT_READ = [
  'com.sk89q.worldedit.extent.clipboard.io.SpongeSchematicReader.read',
  'com.sk89q.jnbt.NBTInputStream.readNamedTag',
  'java.util.zip.GZIPInputStream.read',
  'java.io.FileInputStream.readBytes',
  'readBytes',
  ...READ
]
const WORLDEDIT_PASTE = [
  'com.sk89q.worldedit.EditSession.flushSession',
  'com.sk89q.worldedit.extent.reorder.MultiStageReorder.commit',
  'com.sk89q.worldedit.function.operation.Operations.completeBlindly',
  'com.sk89q.worldedit.bukkit.BukkitWorld.setBlock',
  'org.bukkit.craftbukkit.CraftWorld.setBlockData',
  'net.minecraft.server.level.ServerLevel.setBlock',
  'net.minecraft.world.level.chunk.LevelChunk.setBlockState'
]
const ESSENTIALS_SAVE = [
  'com.earth2me.essentials.EssentialsPlayerListener.onPlayerQuit',
  'com.earth2me.essentials.User.dispose',
  'com.earth2me.essentials.UserData.save',
  'com.earth2me.essentials.config.EssentialsConfiguration.blockingSave',
  'com.earth2me.essentials.config.EssentialsConfiguration.save',
  'sun.nio.ch.FileChannelImpl.force',
  'sun.nio.ch.FileDispatcherImpl.force0',
  ...FSYNC
]
const JOBS_MYSQL = [
  'com.gamingmesh.jobs.listeners.JobsPaymentListener.onBlockBreak',
  'com.gamingmesh.jobs.Jobs.action',
  'com.gamingmesh.jobs.dao.JobsDAO.recordToLog',
  'com.mysql.cj.jdbc.ClientPreparedStatement.executeQuery',
  'com.mysql.cj.NativeSession.execSQL',
  'com.mysql.cj.protocol.a.NativeProtocol.sendQueryPacket',
  'com.mysql.cj.protocol.a.NativeProtocol.readMessage',
  'com.mysql.cj.protocol.FullReadInputStream.readFully',
  'sun.nio.ch.NioSocketImpl.read',
  ...RECV
]
const SAFEPOINT = [
  'SafepointMechanism::process',
  'SafepointSynchronize::block',
  'Monitor::wait_without_safepoint_check',
  'PlatformMonitor::wait',
  '__pthread_cond_wait',
  ...FUTEX
]

/**
 * Pools: name → { weight, stacks } for the normal mix of a thread kind; planted pools have no
 * weight (uniform). Weighted pools favour their first stacks (Zipf-like).
 */
export function buildCatalogue() {
  const uniq = (stacks) => {
    const seen = new Set()
    return stacks.filter((stack) => {
      const key = stack.join(';')
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
  }
  const many = (base, chains, min = 2, jit = true) =>
    chains.flatMap((chain) => (jit ? depthsJit : depths)(base, chain, min))
  const kinds = {
    server: [
      [
        34,
        [
          ...depths(SERVER_IDLE, PARK_NANOS, 1),
          [...SERVER_IDLE.slice(0, -1), 'java.lang.Thread.yield', 'JVM_Yield', 'sched_yield']
        ]
      ],
      [20, many(ENTITY, ENTITY_CHAINS, 2)],
      [11, many(CHUNK, CHUNK_CHAINS, 2)],
      [7, many(BLOCK_ENTITY, BLOCK_ENTITY_CHAINS, 1)],
      [8, many(NETWORK, NETWORK_CHAINS, 1)],
      [9, many(MOVE_EVENT, PLUGIN_MOVE_CHAINS, 1)],
      [6, many(BREAK_EVENT, PLUGIN_BREAK_CHAINS, 1)],
      [5, many(HEARTBEAT, PLUGIN_TASK_CHAINS, 1)]
    ],
    io: [
      [70, depths(IO_ROOT, PARK, 1)],
      [30, many(IO_TASK, IO_CHAINS, 2)]
    ],
    netty: [
      [55, depths(NETTY_ROOT, NETTY_CHAINS[0], 3)],
      [45, many(NETTY_ROOT, NETTY_CHAINS.slice(1), 2)]
    ],
    craft: [
      [75, depths(CRAFT_IDLE, PARK_NANOS, 1)],
      [25, many(CRAFT_TASK, CRAFT_CHAINS, 2)]
    ],
    log4j: [
      [80, depths(LOG_IDLE, PARK, 1)],
      [20, many(LOG_ROOT, LOG_CHAINS, 2)]
    ],
    gc: [
      [90, depths(GC_ROOT, GC_IDLE.slice(GC_ROOT.length), 2)],
      [10, many(GC_ROOT, GC_CHAINS, 2, false)]
    ],
    g1conc: [
      [85, depths(G1_ROOT, G1_IDLE.slice(G1_ROOT.length), 2)],
      [15, many(G1_ROOT, G1_CHAINS, 2, false)]
    ]
  }
  const planted = {
    save_wait: depths(SAVE_WAIT, PARK, 3),
    io_fsync: depths(IO_FSYNC, FSYNC, 4),
    coreprotect: depths([...BREAK_EVENT], COREPROTECT_LOOKUP, 4),
    worldedit: [...depths(COMMAND, WORLDEDIT_READ, 2), ...depthsJit(COMMAND, WORLDEDIT_PASTE, 3)],
    essentials: depths(QUIT_EVENT, ESSENTIALS_SAVE, 5),
    gc_work: many(GC_ROOT, GC_CHAINS, 2, false),
    safepoint: depths([...ENTITY, ...ENTITY_CHAINS[0].slice(0, 3)], SAFEPOINT, 2),
    jobs_mysql: depths(BREAK_EVENT, JOBS_MYSQL, 5)
  }

  const stacks = []
  const ids = new Map()
  const idOf = (raw) => {
    // async-profiler (cstack on) shows the JVM's native thread entry below java.lang.Thread.run
    const stack = raw[0] === 'java.lang.Thread.run' ? [...JAVA_THREAD_ENTRY, ...raw] : raw
    const key = stack.join('\u0000')
    let id = ids.get(key)
    if (id === undefined) {
      stacks.push(stack)
      id = stacks.length // 1-based, as DuckDB lists
      ids.set(key, id)
    }
    return id
  }
  /** 1000 slots per thread kind: pool weight → slots, Zipf 1/(rank+1) inside a pool. */
  const pickers = {}
  for (const [kind, pools] of Object.entries(kinds)) {
    const total = pools.reduce((sum, [weight]) => sum + weight, 0)
    const slots = []
    for (const [weight, poolStacks] of pools) {
      const list = uniq(poolStacks)
      const want = Math.round((weight / total) * 1000)
      const zipf = list.map((_, rank) => 1 / (rank + 1))
      const norm = zipf.reduce((a, b) => a + b, 0)
      const counts = zipf.map((z) => Math.max(1, Math.round((z / norm) * want)))
      list.forEach((stack, i) => {
        for (let c = 0; c < counts[i]; c++) slots.push(idOf(stack))
      })
    }
    pickers[kind] = slots
  }
  const plantedIds = {}
  for (const [name, list] of Object.entries(planted)) plantedIds[name] = uniq(list).map(idOf)
  return { stacks, pickers, planted: plantedIds }
}
