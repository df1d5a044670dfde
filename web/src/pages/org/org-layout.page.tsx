import { LoadingOutlined, SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Button, Card, Col, Empty, Input, Result, Row, Space, Spin, Tree, Typography } from 'antd';
import type { TreeDataNode } from 'antd';
import { Suspense, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useNavigate, useOutletContext, useParams } from 'react-router';
import { orgUnitsApi } from '../../api/org-units.api';
import { queryKeys } from '../../api/query-keys';
import { DemoTag, KindTag } from '../../components/labels';
import { SectionSpin } from '../../components/page-states';
import { useErrorMessage } from '../../lib/error-message';
import { useDebouncedValue } from '../../lib/use-debounced-value';
import { useIsPhone } from '../../lib/use-media-query';
import { useOrgTree, type OrgTreeModel } from './use-org-tree';

const MORE_PREFIX = 'more:';

/** What the unit pages get from the layout: the tree, to reveal and refresh nodes. */
export function useOrgTreeContext(): OrgTreeModel {
  return useOutletContext<OrgTreeModel>();
}

function OrgSearch() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const q = useDebouncedValue(text.trim(), 250);
  const results = useQuery({
    queryKey: queryKeys.orgSearch(q),
    queryFn: () => orgUnitsApi.search(q, { limit: 20 }),
    enabled: q.length > 0,
    staleTime: 30_000,
  });
  const options = (results.data?.items ?? []).map((unit) => ({
    value: String(unit.id),
    label: (
      <div className="org-search-option" data-testid={`org-search-result-${unit.id}`}>
        <Typography.Text ellipsis>{unit.name}</Typography.Text>
        <Space size={4}>
          {unit.code && <Typography.Text type="secondary">{unit.code}</Typography.Text>}
          <KindTag kind={unit.kind} />
        </Space>
      </div>
    ),
  }));
  const searching = q.length > 0 && results.isFetching;
  return (
    <AutoComplete
      value={text}
      options={options}
      onSearch={setText}
      onSelect={(value: string) => {
        setText('');
        void navigate(`/org/${value}`);
      }}
      notFoundContent={q.length > 0 && !searching && results.data ? t('orgPicker.noMatch') : null}
      style={{ width: '100%', marginBottom: 12 }}
      popupMatchSelectWidth={320}
    >
      <Input
        allowClear
        placeholder={t('org.searchPlaceholder')}
        prefix={searching ? <LoadingOutlined /> : <SearchOutlined />}
        data-testid="org-search"
        aria-label={t('org.searchPlaceholder')}
      />
    </AutoComplete>
  );
}

/**
 * The org navigator: a lazily loaded tree with search beside the selected unit.
 * On phones the tree gives way to the unit once one is open.
 */
export default function OrgLayout() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const params = useParams();
  const isPhone = useIsPhone();
  const errorMessage = useErrorMessage();
  const tree = useOrgTree();
  const { loadRoots } = tree;
  const selectedId = params.id;

  useEffect(() => {
    void loadRoots();
  }, [loadRoots]);

  const treeData = useMemo(() => {
    const build = (id: number): TreeDataNode | null => {
      const state = tree.node(id);
      if (!state) return null;
      const { unit } = state;
      const children: TreeDataNode[] | undefined = state.childIds
        ?.map(build)
        .filter((child): child is TreeDataNode => child !== null);
      if (children && state.childIds && state.childIds.length < state.total) {
        children.push({
          key: `${MORE_PREFIX}${id}`,
          isLeaf: true,
          title: (
            <span className="org-tree-load-more" data-testid={`org-node-more-${id}`}>
              {t('org.loadMore', { count: state.total - state.childIds.length })}
            </span>
          ),
        });
      }
      return {
        key: String(id),
        isLeaf: state.childIds ? state.childIds.length === 0 : unit.childCount === 0,
        children,
        title: (
          <span className="org-tree-node-title" data-testid={`org-node-${id}`}>
            <span>{unit.name}</span>
            <Typography.Text type="secondary" className="org-tree-kind">
              {t(`kinds.${unit.kind}`)}
            </Typography.Text>
            {unit.isDemo && <DemoTag />}
          </span>
        ),
      };
    };
    return (tree.rootIds ?? []).map(build).filter((node): node is TreeDataNode => node !== null);
    // tree.version changes whenever the ref-held nodes change.
  }, [tree, t]);

  const loadedKeys = useMemo(() => {
    const keys: string[] = [];
    const walk = (id: number) => {
      const state = tree.node(id);
      if (!state?.childIds) return;
      keys.push(String(id));
      state.childIds.forEach(walk);
    };
    (tree.rootIds ?? []).forEach(walk);
    return keys;
  }, [tree]);

  let treeBody: React.ReactNode;
  if (tree.rootsError) {
    treeBody = (
      <Result
        status="warning"
        subTitle={errorMessage(tree.rootsError)}
        extra={<Button onClick={() => void loadRoots()}>{t('common.retry')}</Button>}
      />
    );
  } else if (tree.rootIds === null) {
    treeBody = (
      <div className="section-center">
        <Spin />
      </div>
    );
  } else if (treeData.length === 0) {
    treeBody = <Empty description={t('org.noUnits')} />;
  } else {
    treeBody = (
      <div className="org-tree-scroll" data-testid="org-tree">
        <Tree
          blockNode
          showLine={{ showLeafIcon: false }}
          treeData={treeData}
          loadData={(node) => tree.loadChildren(Number(node.key))}
          loadedKeys={loadedKeys}
          expandedKeys={tree.expandedKeys}
          onExpand={(keys) => tree.setExpandedKeys(keys.map(String))}
          selectedKeys={selectedId ? [selectedId] : []}
          onSelect={(_, info) => {
            const key = String(info.node.key);
            if (key.startsWith(MORE_PREFIX)) {
              void tree.loadMore(Number(key.slice(MORE_PREFIX.length)));
            } else {
              void navigate(`/org/${key}`);
            }
          }}
        />
      </div>
    );
  }

  // On phones show one thing at a time: the tree, or the open unit.
  const hideTree = isPhone && selectedId !== undefined;
  const hideDetail = isPhone && selectedId === undefined;

  return (
    <Row gutter={[16, 16]} align="top">
      {!hideTree && (
        <Col xs={24} lg={9} xl={7}>
          <Card title={t('org.treeTitle')} className="org-tree-card" size="small">
            <OrgSearch />
            {treeBody}
          </Card>
        </Col>
      )}
      {!hideDetail && (
        <Col xs={24} lg={15} xl={17}>
          <Suspense fallback={<SectionSpin />}>
            <Outlet context={tree} />
          </Suspense>
        </Col>
      )}
    </Row>
  );
}
