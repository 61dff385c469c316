/**
 * The knowledge base's API schemas live in the shared contract (server/contract/knowledge.ts), so
 * the renderer reads the very shapes the routes validate; this module keeps the feature's imports
 * where they were.
 */
export {
  CreateKnowledgeItem,
  ImportQuery,
  ImportResult,
  IndexStatus,
  KNOWLEDGE_CATEGORIES,
  KnowledgeCategory,
  KnowledgeItem,
  KnowledgeItemList,
  KnowledgeSearch,
  KnowledgeSearchResult,
  ListKnowledgeQuery,
  MAX_CONTENT_CHARS,
  MAX_TITLE_CHARS,
  Metadata,
  ReplaceKnowledgeBase,
  ReplaceSynonyms,
  SearchMode,
  SynonymList,
  SynonymSet,
  UpdateKnowledgeItem,
  WriteSummary,
} from '../../contract/knowledge.js';
